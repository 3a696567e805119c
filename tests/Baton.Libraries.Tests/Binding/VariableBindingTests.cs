using Baton.Diagnostics;
using Baton.Binding;
using Baton.Spec;
using Baton.Text;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Spec.StackText;

namespace Baton.Libraries.Tests.Binding;

public sealed class VariableBindingTests
{
    private const string StringVariable = "variables:\n  n:\n    type: string\n    default: from-default\n";

    private static VariableInput Env(string name, string value) =>
        Assert.Single(VariableInputs.FromEnvironment([KeyValuePair.Create(VariableInputs.EnvironmentPrefix + name, value)]));

    private static VariableInput Var(string assignment)
    {
        var diagnostics = new DiagnosticBag();
        var input = VariableInputs.FromAssignment(assignment, diagnostics);
        AssertClean(diagnostics);
        return input!;
    }

    private static IReadOnlyList<VariableInput> VarFile(string name, string text)
    {
        var diagnostics = new DiagnosticBag();
        var inputs = VariableInputs.FromText(new SourceFile(name, text), diagnostics);
        AssertClean(diagnostics);
        return inputs;
    }

    private static Value BindOne(string yaml, params VariableInput[] inputs)
    {
        var (stack, diagnostics) = Bind(yaml, inputs);
        AssertClean(diagnostics);
        return Assert.Single(stack.Variables).Value;
    }

    public static TheoryData<string[], string> PrecedenceCases => new()
    {
        { Array.Empty<string>(), "from-default" },
        { new[] { "env" }, "from-env" },
        { new[] { "env", "fileA" }, "from-a" },
        { new[] { "fileA", "fileB" }, "from-b" },
        { new[] { "env", "fileA", "fileB", "var1" }, "cli-1" },
        { new[] { "env", "var1", "var2" }, "cli-2" },
        { new[] { "fileA", "var2", "var1" }, "cli-1" },
    };

    [Theory]
    [MemberData(nameof(PrecedenceCases))]
    public void Bind_InputsInCliOrder_LastGivenWins(string[] sources, string expected)
    {
        var inputs = sources.SelectMany(source => source switch
        {
            "env" => [Env("n", "from-env")],
            "fileA" => VarFile("a.yaml", "n: from-a\n"),
            "fileB" => VarFile("b.yaml", "n: from-b\n"),
            "var1" => [Var("n=cli-1")],
            "var2" => [Var("n=cli-2")],
            _ => throw new ArgumentException(source),
        }).ToArray();

        Assert.Equal(Value.String(expected), BindOne(StringVariable, inputs));
    }

    [Theory]
    [InlineData("int", "3", "3")]
    [InlineData("number", "2.5", "2.5")]
    [InlineData("bool", "true", "true")]
    [InlineData("string", "3", "\"3\"")]
    [InlineData("list(string)", "[a,b]", "[\"a\", \"b\"]")]
    [InlineData("list(number)", "[1, 2]", "[1, 2]")]
    [InlineData("map(string)", "{a: x, b: y}", "{\"a\": \"x\", \"b\": \"y\"}")]
    [InlineData("any", "7", "7")]
    [InlineData("any", "plain words", "\"plain words\"")]
    public void Bind_RawTextFromVarOption_IsConvertedToTheDeclaredType(string type, string text, string expected) =>
        Assert.Equal(expected, BindOne($"variables:\n  n:\n    type: {type}\n", Var("n=" + text)).ToString());

    [Fact]
    public void Bind_NonNumberForInt_IsVariableTypeErrorNamingTheOption()
    {
        var (stack, diagnostics) = Bind("variables:\n  n:\n    type: int\n", [Var("n=abc")]);
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticCodes.VariableType, diagnostic.Code);
        Assert.Equal("the value of variable \"n\" from --var n is not an int: \"abc\" is a string", diagnostic.Message);
        Assert.Equal("--var n", diagnostic.Subject);
        Assert.Equal(At(2, 3), diagnostic.Span!.Start);
        Assert.False(stack.Variables["n"].IsKnown);
    }

    [Theory]
    [InlineData("number", "pw=hunter2-secret", "the value of variable \"pw\" from --var pw is not a number: (sensitive) is a string")]
    [InlineData("map(number)", "pw={\"a\": \"zzsecretzz\"}", "the value of variable \"pw\" from --var pw is not a map(number): key (sensitive): (sensitive) is a string")]
    [InlineData("list(number)", "pw=[1, \"zzsecretzz\"]", "the value of variable \"pw\" from --var pw is not a list(number): element 1: (sensitive) is a string")]
    public void Bind_SensitiveValueOfTheWrongType_IsNotQuoted(string type, string assignment, string message)
    {
        var (_, diagnostics) = Bind($"variables:\n  pw:\n    type: {type}\n    sensitive: true\n", [Var(assignment)]);

        Assert.Equal(message, Single(diagnostics).Message);
    }

    [Fact]
    public void Bind_FractionForIntFromEnvironment_NamesTheEnvironmentVariable() =>
        Assert.Equal(
            "the value of variable \"n\" from BATON_VAR_n is not an int: 2.5 is not a whole number",
            Single(Bind("variables:\n  n:\n    type: int\n", [Env("n", "2.5")]).Diagnostics).Message);

    [Fact]
    public void Bind_BadListElement_NamesTheElement() =>
        Assert.Equal(
            "the value of variable \"xs\" from --var xs is not a list(number): element 1: \"two\" is a string",
            Single(Bind("variables:\n  xs:\n    type: list(number)\n", [Var("xs=[1, two]")]).Diagnostics).Message);

    [Fact]
    public void Bind_UnparsableListText_IsReportedAsAString() =>
        Assert.Equal(
            "the value of variable \"xs\" from --var xs is not a list(string): \"[a,\" is a string",
            Single(Bind("variables:\n  xs:\n    type: list(string)\n", [Var("xs=[a,")]).Diagnostics).Message);

    [Fact]
    public void Bind_WrongTypeInVariableFile_PointsIntoTheFile()
    {
        var inputs = VarFile("prod.yaml", "# prod\nn: abc\n");
        var diagnostic = Single(Bind("variables:\n  n:\n    type: int\n", inputs).Diagnostics);

        Assert.Equal("the value of variable \"n\" from prod.yaml is not an int: \"abc\" is a string", diagnostic.Message);
        Assert.Equal(new SourceSpan("prod.yaml", At(2, 1), At(2, 2)), diagnostic.Span);
        Assert.Null(diagnostic.Subject);
    }

    [Fact]
    public void Bind_FileValue_KeepsItsYamlType() =>
        Assert.Equal(Value.String("3"), BindOne("variables:\n  n:\n    type: string\n", [.. VarFile("f.yaml", "n: 3\n")]));

    [Fact]
    public void Bind_DefaultOfWrongType_PointsAtTheDefault()
    {
        var diagnostic = Single(Bind("variables:\n  n:\n    type: int\n    default: lots\n").Diagnostics);

        Assert.Equal("the value of variable \"n\" from its default is not an int: \"lots\" is a string", diagnostic.Message);
        Assert.Equal(At(4, 14), diagnostic.Span!.Start);
    }

    [Fact]
    public void Bind_DefaultWithReference_IsRefused()
    {
        var diagnostic = Single(Bind("variables:\n  a:\n    default: x\n  b:\n    default: ${var.a}\n").Diagnostics);

        Assert.Equal(DiagnosticCodes.VariableType, diagnostic.Code);
        Assert.Equal("the default of variable \"b\" must be a literal value; it cannot reference var", diagnostic.Message);
    }

    [Fact]
    public void Bind_SensitiveVariable_ValueIsMarkedSensitive()
    {
        var (stack, diagnostics) = Bind("variables:\n  token:\n    sensitive: true\n  plain:\n    default: x\n", [Var("token=abc")]);

        AssertClean(diagnostics);
        Assert.True(stack.Variables["token"].IsSensitive);
        Assert.Equal(Value.String("abc"), stack.Variables["token"]);
        Assert.False(stack.Variables["plain"].IsSensitive);
    }

    [Fact]
    public void Bind_MissingVariableWhenNotRequired_IsUnknownOfItsType()
    {
        var (stack, diagnostics) = Bind("variables:\n  n:\n    type: int\n");

        AssertClean(diagnostics);
        Assert.Equal(Value.Unknown(BatonType.Int), stack.Variables["n"]);
    }

    [Fact]
    public void Bind_MissingVariableWhenRequired_IsMissingVariableAtItsName()
    {
        var (_, diagnostics) = Bind("variables:\n  n:\n    type: int\n", options: new BindOptions { RequireAllVariables = true });
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticCodes.MissingVariable, diagnostic.Code);
        Assert.Equal("variable \"n\" has no value", diagnostic.Message);
        Assert.Equal(new SourceSpan(FileName, At(2, 3), At(2, 4)), diagnostic.Span);
        Assert.StartsWith("give one with --var n=VALUE", diagnostic.Help, StringComparison.Ordinal);
    }

    private const string Validated = "variables:\n  n:\n    type: int\n    validation:\n      - condition: ${var.n > 0}\n        message: must be positive\n";

    [Fact]
    public void Bind_ValidationTrue_IsClean() =>
        Assert.Equal(Value.Number(4), BindOne(Validated, Var("n=4")));

    [Fact]
    public void Bind_ValidationFalse_ReportsTheRuleAndItsMessage()
    {
        var diagnostic = Single(Bind(Validated, [Var("n=-1")]).Diagnostics);

        Assert.Equal(DiagnosticCodes.VariableValidation, diagnostic.Code);
        Assert.Equal("variable \"n\" is not valid: must be positive", diagnostic.Message);
        Assert.Equal(At(2, 3), diagnostic.Span!.Start);
        var note = Assert.Single(diagnostic.Notes);
        Assert.Equal("the rule that failed", note.Message);
        Assert.Equal(5, note.Span!.Start.Line);
    }

    [Fact]
    public void Bind_ValidationOfUnknownValue_IsSkipped() =>
        AssertClean(Bind(Validated).Diagnostics);

    [Fact]
    public void Bind_ValidationNotBool_IsTypeMismatch()
    {
        var diagnostic = Single(Bind(
            "variables:\n  n:\n    type: int\n    default: 1\n    validation:\n      - condition: ${var.n + 1}\n        message: m\n").Diagnostics);

        Assert.Equal(DiagnosticCodes.TypeMismatch, diagnostic.Code);
        Assert.Equal("a validation condition must be true or false, not number", diagnostic.Message);
    }

    [Fact]
    public void Bind_UndeclaredVarOption_IsAnErrorWithSuggestion()
    {
        var diagnostic = Single(Bind(StringVariable, [Var("m=1")]).Diagnostics);

        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(DiagnosticCodes.UndeclaredVariable, diagnostic.Code);
        Assert.Equal("a value is given for \"m\", but the stack declares no such variable", diagnostic.Message);
        Assert.Equal("--var m", diagnostic.Subject);
        Assert.Equal("did you mean \"n\"?", diagnostic.Help);
    }

    [Fact]
    public void Bind_UndeclaredEnvironmentVariable_IsAWarning()
    {
        var diagnostic = Single(Bind(StringVariable, [Env("other", "1")]).Diagnostics);

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("BATON_VAR_other", diagnostic.Subject);
    }

    [Fact]
    public void Bind_UndeclaredFileValue_IsAWarningAtTheKey()
    {
        var diagnostic = Single(Bind(StringVariable, VarFile("v.yaml", "n: x\nother: 1\n")).Diagnostics);

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(new SourceSpan("v.yaml", At(2, 1), At(2, 6)), diagnostic.Span);
        Assert.Null(diagnostic.Subject);
    }

    [Fact]
    public void FromAssignment_WithoutEquals_IsBadVariableInput()
    {
        var diagnostics = new DiagnosticBag();

        Assert.Null(VariableInputs.FromAssignment("replicas", diagnostics));
        Assert.Null(VariableInputs.FromAssignment("=3", diagnostics));
        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticCodes.BadVariableInput, d.Code));
        Assert.Equal("--var \"replicas\" is not of the form name=value", diagnostics[0].Message);
    }

    [Fact]
    public void FromAssignment_ValueWithEquals_KeepsEverythingAfterTheFirst()
    {
        var input = Var("query=a=b");

        Assert.Equal("query", input.Name);
        Assert.Equal(Value.String("a=b"), input.Value);
        Assert.True(input.IsRawText);
        Assert.Equal(VariableSource.CommandLine, input.Source);
    }

    [Fact]
    public void FromEnvironment_Variables_TakesOnlyPrefixedNamesSortedByName()
    {
        var inputs = VariableInputs.FromEnvironment(
        [
            KeyValuePair.Create("BATON_VAR_zone", "z"),
            KeyValuePair.Create("PATH", "/bin"),
            KeyValuePair.Create("BATON_VAR_", "empty name"),
            KeyValuePair.Create("BATON_VAR_app", "a"),
        ]);

        Assert.Equal(["app", "zone"], inputs.Select(i => i.Name));
        Assert.Equal(["BATON_VAR_app", "BATON_VAR_zone"], inputs.Select(i => i.Origin));
    }

    [Fact]
    public void FromText_ListFile_IsBadVariableInput()
    {
        var diagnostics = new DiagnosticBag();

        Assert.Empty(VariableInputs.FromText(new SourceFile("v.yaml", "- a\n- b\n"), diagnostics));
        Assert.Equal("a variable file maps names to values; this one is a list", Single(diagnostics).Message);
    }
}
