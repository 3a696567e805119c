using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

public sealed class FunctionTests
{
    [Theory]
    [InlineData("join(\", \", [\"a\", \"b\", 3])", "a, b, 3")]
    [InlineData("join(\"-\", [])", "")]
    [InlineData("format(\"%s has %d replicas\", var.name, var.replicas)", "shop has 3 replicas")]
    [InlineData("format(\"%.2f|%f\", 1.5, 2)", "1.50|2.000000")]
    [InlineData("format(\"%v %v %v\", \"s\", [1, \"a\"], {k = true})", "s [1, \"a\"] {\"k\": true}")]
    [InlineData("format(\"%q and 100%%\", \"say \\\"hi\\\"\")", "\"say \\\"hi\\\"\" and 100%")]
    [InlineData("upper(\"abc\")", "ABC")]
    [InlineData("lower(\"ÀBC\")", "àbc")]
    [InlineData("trim(\"  x  \")", "x")]
    [InlineData("trim(\"--x-\", \"-\")", "x")]
    [InlineData("replace(\"a.b.c\", \".\", \"/\")", "a/b/c")]
    [InlineData("substr(\"hello\", 1, 3)", "ell")]
    [InlineData("substr(\"hello\", -3, -1)", "llo")]
    [InlineData("substr(\"hello\", 4, 10)", "o")]
    [InlineData("substr(\"hello\", 9, 1)", "")]
    [InlineData("tostring(12)", "12")]
    [InlineData("tostring(true)", "true")]
    [InlineData("base64encode(\"héllo\")", "aMOpbGxv")]
    [InlineData("base64decode(\"aMOpbGxv\")", "héllo")]
    [InlineData("sha256(\"abc\")", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("jsonencode({b = [1, 2.5, null], a = \"x\\n\"})", "{\"a\":\"x\\n\",\"b\":[1,2.5,null]}")]
    [InlineData("file(\"motd.txt\")", "hello\n")]
    [InlineData("template(\"web.tpl\", { name = \"shop\", port = 8080 })", "server shop:8080;")]
    [InlineData("coalesce(null, \"\", \"x\", \"y\")", "x")]
    public void Call_StringResult_IsExpected(string text, string expected) =>
        Assert.Equal(Value.String(expected), Eval(text, FileScope));

    [Theory]
    [InlineData("length([1, 2, 3])", 3)]
    [InlineData("length({a = 1})", 1)]
    [InlineData("length(\"héllo\")", 5)]
    [InlineData("min(3, \"1\", 2)", 1)]
    [InlineData("max(3, 7, 2)", 7)]
    [InlineData("abs(-2.5)", 2.5)]
    [InlineData("ceil(1.2)", 2)]
    [InlineData("floor(-1.2)", -2)]
    [InlineData("tonumber(\"12.5\")", 12.5)]
    [InlineData("lookup({a = 1}, \"a\")", 1)]
    [InlineData("lookup({a = 1}, \"b\", 7)", 7)]
    [InlineData("coalesce(null, 0)", 0)]
    public void Call_NumberResult_IsExpected(string text, double expected) =>
        Assert.Equal(Value.Number(expected), Eval(text));

    [Theory]
    [InlineData("contains([1, \"a\"], \"a\")", true)]
    [InlineData("contains([1, 2], 3)", false)]
    [InlineData("startswith(\"web-1\", \"web\")", true)]
    [InlineData("endswith(\"web-1\", \"web\")", false)]
    [InlineData("tobool(\"true\")", true)]
    [InlineData("tobool(false)", false)]
    public void Call_BoolResult_IsExpected(string text, bool expected) =>
        Assert.Equal(Value.Bool(expected), Eval(text));

    [Theory]
    [InlineData("split(\",\", \"a,b,,c\")", "[\"a\", \"b\", \"\", \"c\"]")]
    [InlineData("concat([1], [], [2, 3])", "[1, 2, 3]")]
    [InlineData("keys({b = 1, a = 2})", "[\"a\", \"b\"]")]
    [InlineData("values({b = 1, a = 2})", "[2, 1]")]
    [InlineData("range(3)", "[0, 1, 2]")]
    [InlineData("range(1, 4)", "[1, 2, 3]")]
    [InlineData("range(10, 0, -4)", "[10, 6, 2]")]
    [InlineData("range(0)", "[]")]
    [InlineData("merge({a = 1, b = 1}, {b = 2})", "{\"a\": 1, \"b\": 2}")]
    [InlineData("flatten([1, [2, [3]], []])", "[1, 2, 3]")]
    [InlineData("distinct([1, 2, 1, \"1\"])", "[1, 2, \"1\"]")]
    [InlineData("sort([\"b\", \"a\", \"C\"])", "[\"C\", \"a\", \"b\"]")]
    [InlineData("reverse([1, 2, 3])", "[3, 2, 1]")]
    [InlineData("slice([1, 2, 3, 4], 1, 3)", "[2, 3]")]
    [InlineData("jsondecode(\"{\\\"a\\\": [1, true, null, \\\"x\\\"]}\")", "{\"a\": [1, true, null, \"x\"]}")]
    [InlineData("tostring(null)", "null")]
    [InlineData("tonumber(null)", "null")]
    public void Call_CollectionResult_IsExpected(string text, string expected) =>
        Assert.Equal(expected, Eval(text).ToString());

    [Theory]
    [InlineData("base64decode(\"not base64!\")", "base64decode: the argument is not valid base64")]
    [InlineData("base64decode(\"/w==\")", "base64decode: the decoded bytes are not UTF-8 text")]
    [InlineData("tonumber(\"abc\")", "tonumber: cannot convert the string \"abc\" to a number")]
    [InlineData("tobool(\"yes\")", "tobool: cannot convert the string \"yes\" to a bool")]
    [InlineData("tostring([1])", "tostring: cannot convert a list to a string")]
    [InlineData("length(5)", "length: needs a list, map or string, got a number")]
    [InlineData("lookup({a = 1}, \"b\")", "lookup: the map has no key \"b\"")]
    [InlineData("coalesce(null, \"\")", "coalesce: every argument is null or an empty string")]
    [InlineData("range(0, 2000000)", "range: the range would have more than 1,000,000 elements")]
    [InlineData("range(0, 5, 0)", "range: the step must not be zero")]
    [InlineData("range(0, 5, -1)", "range: a step of -1 never gets from 0 to 5")]
    [InlineData("slice([1, 2], 1, 5)", "slice: start 1 and end 5 do not fit a list of 2 elements")]
    [InlineData("format(\"%d\", 1.5)", "format: %d needs a whole number, got 1.5")]
    [InlineData("format(\"%s %s\", 1)", "format: the format has more verbs than the 1 values given")]
    [InlineData("format(\"%s\", 1, 2)", "format: 2 values given but the format uses only 1")]
    [InlineData("format(\"%x\", 1)", "format: unknown verb \"%x\"")]
    [InlineData("format(\"%s\", [1])", "format: %s needs a string, number or bool, got a list")]
    [InlineData("split(\"\", \"abc\")", "split: the separator must not be empty")]
    [InlineData("replace(\"abc\", \"\", \"x\")", "replace: the text to replace must not be empty")]
    [InlineData("join(\",\", [\"a\", null])", "join: element 1 of the list is null")]
    [InlineData("jsondecode(\"{\")", "jsondecode: the argument is not valid JSON")]
    [InlineData("file(\"missing.txt\")", "file: cannot read \"missing.txt\": no such file \"missing.txt\"")]
    public void Call_BadArguments_IsFunctionFailed(string text, string message)
    {
        var (value, diagnostic) = EvalFailing(text, FileScope);
        Assert.Equal(DiagnosticCodes.FunctionFailed, diagnostic.Code);
        Assert.StartsWith(message, diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(Value.UnknownAny, value);
    }

    [Fact]
    public void Call_FailureAtArgument_PointsAtArgument()
    {
        var (_, diagnostic) = EvalFailing("tonumber(\"abc\")");
        Assert.Equal("3:19-3:24", Position(diagnostic.Span));
    }

    [Fact]
    public void Call_LookupMissingKey_SuggestsClosest() =>
        Assert.Equal("did you mean \"name\"?", EvalFailing("lookup({name = 1}, \"nmae\")").Diagnostic.Help);

    [Theory]
    [InlineData("upper([1])", "text of upper() must be string: [1] is a list")]
    [InlineData("join(\",\", \"abc\")", "list of join() must be list(string): \"abc\" is a string")]
    [InlineData("upper(null)", "text of upper() must not be null")]
    [InlineData("abs(\"x\")", "number of abs() must be number: \"x\" is a string")]
    [InlineData("abs(secret)", "number of abs() must be number, not a string")]
    [InlineData("slice([1, 2], 0.5, 1)", "start of slice() must be int: 0.5 is not a whole number")]
    public void Call_ArgumentOfWrongType_IsInvalidOperand(string text, string message)
    {
        var (_, diagnostic) = EvalFailing(text);
        Assert.Equal(DiagnosticCodes.InvalidOperand, diagnostic.Code);
        Assert.Equal(message, diagnostic.Message);
    }

    [Theory]
    [InlineData("upper()", "upper() takes 1 argument, but 0 were given", "upper(text string) string")]
    [InlineData("join(\",\")", "join() takes 2 arguments, but 1 was given", "join(separator string, list list(string)) string")]
    [InlineData("lookup({}, \"a\", 1, 2)", "lookup() takes 2 to 3 arguments, but 4 were given", "lookup(map map, key string, [default any]) any")]
    [InlineData("min()", "min() takes at least 1 arguments, but 0 were given", "min(first number, more number...) number")]
    public void Call_WrongArgumentCount_IsWrongArityWithSignature(string text, string message, string signature)
    {
        var (_, diagnostic) = EvalFailing(text);
        Assert.Equal(DiagnosticCodes.WrongArity, diagnostic.Code);
        Assert.Equal(message, diagnostic.Message);
        Assert.Equal($"the signature is {signature}", diagnostic.Help);
    }

    [Fact]
    public void Call_UnknownFunction_SuggestsClosestAtName()
    {
        var (_, diagnostic) = EvalFailing("jion(\",\", [])");
        Assert.Equal(DiagnosticCodes.UnknownFunction, diagnostic.Code);
        Assert.Equal("there is no function \"jion\"", diagnostic.Message);
        Assert.Equal("did you mean \"join\"?", diagnostic.Help);
        Assert.Equal("3:10-3:14", Position(diagnostic.Span));
    }

    [Fact]
    public void Call_FileWithoutHost_IsRefused()
    {
        var (_, diagnostic) = EvalFailing("file(\"motd.txt\")");
        Assert.Equal("file: cannot read \"motd.txt\": files cannot be read here", diagnostic.Message);
    }

    [Fact]
    public void Call_TemplateWithError_PointsIntoTemplateFile()
    {
        var diagnostics = new DiagnosticBag();
        Evaluator.Evaluate(Parse("template(\"broken.tpl\", { name = \"x\" })"), FileScope, diagnostics);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.ReferenceNotAvailable, diagnostic.Code);
        Assert.Equal("broken.tpl", diagnostic.Span!.File);
        Assert.Equal("2:10-2:14", Position(diagnostic.Span));
    }

    [Fact]
    public void Call_TemplateIncludingItself_StopsWithDiagnostic()
    {
        var diagnostics = new DiagnosticBag();
        var value = Evaluator.Evaluate(Parse("template(\"loop.tpl\")"), FileScope, diagnostics);
        Assert.Contains(diagnostics, d => d.Message.Contains("more than 8 levels", StringComparison.Ordinal));
        Assert.False(value.IsKnown);
    }

    [Fact]
    public void Call_TemplateWithSensitiveVar_IsSensitive() =>
        Assert.True(Eval("template(\"web.tpl\", { name = secret, port = 1 })", FileScope).IsSensitive);

    [Fact]
    public void Call_UnknownArgument_YieldsUnknownOfReturnType()
    {
        var value = Eval("join(\",\", [later])");
        Assert.Equal(BatonType.String, value.UnknownType);
    }

    [Fact]
    public void Library_EveryFunction_HasSignatureAndIsFound()
    {
        Assert.True(FunctionLibrary.Names.Count >= 35);
        foreach (var name in FunctionLibrary.Names)
        {
            Assert.True(FunctionLibrary.TryGet(name, out var function));
            Assert.StartsWith(name + "(", function.Signature, StringComparison.Ordinal);
        }
    }

    private static EvaluationScope FileScope { get; } = new(
        DefaultScope.Names.Select(n => KeyValuePair.Create(n, DefaultScope.TryGetRoot(n, out var v) ? v : Value.Null)),
        new InMemoryFileHost(new Dictionary<string, string>
        {
            ["motd.txt"] = "hello\n",
            ["web.tpl"] = "server ${name}:${port};",
            ["broken.tpl"] = "line one\nvalue: ${nmae}\n",
            ["loop.tpl"] = "${template(\"loop.tpl\")}",
        }));
}
