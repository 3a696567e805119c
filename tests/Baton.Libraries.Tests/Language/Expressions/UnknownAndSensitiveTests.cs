using Baton.Diagnostics;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

public sealed class UnknownAndSensitiveTests
{
    [Theory]
    [InlineData("later_number + 1", TypeKind.Number)]
    [InlineData("later_any * 2", TypeKind.Number)]
    [InlineData("-later_any", TypeKind.Number)]
    [InlineData("later_number < 3", TypeKind.Bool)]
    [InlineData("later == \"x\"", TypeKind.Bool)]
    [InlineData("[later] == [\"x\"]", TypeKind.Bool)]
    [InlineData("!later_bool", TypeKind.Bool)]
    [InlineData("\"id-${later}\"", TypeKind.String)]
    [InlineData("upper(later)", TypeKind.String)]
    [InlineData("length(later_any)", TypeKind.Number)]
    [InlineData("later_bool ? 1 : 2", TypeKind.Number)]
    [InlineData("later_bool && true", TypeKind.Bool)]
    [InlineData("later_any.x.y[3]", TypeKind.Any)]
    [InlineData("later_any[*].id", TypeKind.List)]
    public void Evaluate_UnknownOperand_YieldsTypedUnknown(string text, TypeKind kind)
    {
        var value = Eval(text);
        Assert.False(value.IsKnown);
        Assert.Equal(kind, value.UnknownType.Kind);
    }

    [Theory]
    [InlineData("later_bool && false", false)]
    [InlineData("later_bool || true", true)]
    [InlineData("false && later_bool", false)]
    [InlineData("true || later_bool", true)]
    public void Evaluate_LogicDecidedByKnownSide_IsKnown(string text, bool expected) =>
        Assert.Equal(Value.Bool(expected), Eval(text));

    [Fact]
    public void Evaluate_KnownConditionWithUnknownOtherBranch_IsKnown() =>
        Assert.Equal(Value.Number(1), Eval("true ? 1 : later_number"));

    [Fact]
    public void Evaluate_ListWithUnknownItem_IsKnownListWithUnknownElement()
    {
        var value = Eval("[1, later]");
        Assert.True(value.IsKnown);
        Assert.False(value.IsWhollyKnown);
        Assert.Equal(Value.Number(2), Eval("length([1, later])"));
    }

    [Fact]
    public void Evaluate_UnknownKnownSideTypeError_IsStillReported() =>
        Assert.Equal(DiagnosticCodes.InvalidOperand, EvalFailing("later_number + [1]").Diagnostic.Code);

    [Theory]
    [InlineData("secret_number + 1")]
    [InlineData("-secret_number")]
    [InlineData("secret_number > 1")]
    [InlineData("secret == \"x\"")]
    [InlineData("[secret] == [\"x\"]")]
    [InlineData("\"user:${secret}@host\"")]
    [InlineData("upper(secret)")]
    [InlineData("join(\",\", [\"a\", secret])")]
    [InlineData("length(secret)")]
    [InlineData("secret_number > 1 ? \"a\" : \"b\"")]
    [InlineData("true ? secret : \"b\"")]
    [InlineData("secret_number > 1 && true")]
    [InlineData("[1, 2][secret_number - 41]")]
    [InlineData("{ (secret) = 1 }")]
    [InlineData("{ a = secret, a = 1 }")]
    [InlineData("format(\"%s\", secret)")]
    [InlineData("later_number + secret_number")]
    [InlineData("later_bool ? secret : \"b\"")]
    public void Evaluate_SensitiveOperand_YieldsSensitiveResult(string text) =>
        Assert.True(Eval(text).IsSensitive, text);

    [Fact]
    public void Evaluate_SensitiveTemplate_KeepsRealTextBehindMark()
    {
        var value = Eval("\"user:${secret}\"");
        Assert.Equal("user:hunter2", value.AsString());
        Assert.Equal("(sensitive)", value.ToDisplayString());
    }

    [Fact]
    public void Evaluate_SensitiveNumberInFunction_UsesRealValue() =>
        Assert.Equal("42", Eval("tostring(secret_number)").AsString());

    [Fact]
    public void Evaluate_ListOfSensitiveItem_KeepsItemMarked()
    {
        var list = Eval("[secret, \"plain\"]");
        Assert.False(list.IsSensitive);
        Assert.True(list.AsList()[0].IsSensitive);
        Assert.False(list.AsList()[1].IsSensitive);
        Assert.True(list.ContainsSensitive);
    }

    [Fact]
    public void Evaluate_ElementBesideSensitiveItem_StaysPlain() =>
        Assert.False(Eval("[secret, \"plain\"][1]").IsSensitive);

    [Fact]
    public void Evaluate_ElementOfSensitiveCollection_IsSensitive()
    {
        var scope = Scope(("cfg", Map(("user", Str("u")), ("password", Str("p"))).AsSensitive()));
        Assert.True(Eval("cfg.user", scope).IsSensitive);
        Assert.True(Eval("cfg[\"password\"]", scope).IsSensitive);
    }

    [Fact]
    public void Evaluate_FunctionOverCollectionWithSensitiveItem_MarksWholeResult() =>
        Assert.True(Eval("concat([secret], [1])").IsSensitive);

    [Fact]
    public void Evaluate_ErrorMessageAboutSensitiveValue_IsRedacted()
    {
        var (_, diagnostic) = EvalFailing("secret * 2");
        Assert.DoesNotContain("hunter2", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("(sensitive)", diagnostic.Message, StringComparison.Ordinal);
    }
}
