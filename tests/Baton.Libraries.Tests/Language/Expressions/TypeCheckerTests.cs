using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

public sealed class TypeCheckerTests
{
    private static BatonType ReferenceType(Reference reference) => reference.ToString() switch
    {
        "var.replicas" => BatonType.Int,
        "var.tags" => BatonType.MapOf(BatonType.String),
        "var.zones" => BatonType.ListOf(BatonType.String),
        "var.name" => BatonType.String,
        _ => BatonType.Any,
    };

    private static (BatonType Type, DiagnosticBag Diagnostics) Infer(string text)
    {
        var diagnostics = new DiagnosticBag();
        var type = TypeChecker.Infer(Parse(text), ReferenceType, diagnostics);
        return (type, diagnostics);
    }

    [Theory]
    [InlineData("1 + var.replicas", "number")]
    [InlineData("var.replicas", "int")]
    [InlineData("\"${var.name}-x\"", "string")]
    [InlineData("var.tags", "map(string)")]
    [InlineData("var.tags[\"env\"]", "string")]
    [InlineData("var.zones[0]", "string")]
    [InlineData("[1, 2.5]", "list(number)")]
    [InlineData("[1, \"a\"]", "list")]
    [InlineData("{ a = \"x\" }", "map(string)")]
    [InlineData("a == b", "bool")]
    [InlineData("c ? 1 : 2", "number")]
    [InlineData("join(\",\", var.zones)", "string")]
    [InlineData("unknown_root.x.y", "any")]
    [InlineData("web[*].id", "list")]
    public void Infer_WellTyped_GivesTypeWithoutDiagnostics(string text, string type)
    {
        var (inferred, diagnostics) = Infer(text);
        Assert.Empty(diagnostics);
        Assert.Equal(type, inferred.ToString());
    }

    [Theory]
    [InlineData("\"5\" * 2")]
    [InlineData("!\"true\"")]
    [InlineData("upper(var.replicas)")]
    [InlineData("x.y * 2")]
    [InlineData("var.tags[x]")]
    [InlineData("\"true\" ? 1 : 2")]
    public void Infer_MaybeValid_ReportsNothing(string text) => Assert.Empty(Infer(text).Diagnostics);

    [Theory]
    [InlineData("\"abc\" * 2", "\"*\" needs a number, not the string \"abc\"", "3:10-3:15")]
    [InlineData("!\"x\"", "\"!\" needs a bool, not the string \"x\"", "3:11-3:14")]
    [InlineData("upper([1])", "text of upper() needs a string, not a list(number)", "3:16-3:19")]
    [InlineData("var.tags[0]", "a map key must be a string, not a number", "3:19-3:20")]
    [InlineData("[1] ? 1 : 2", "the condition of \"? :\" needs a bool, not a list(number)", "3:10-3:13")]
    [InlineData("var.zones.first", "a list has no attribute \"first\"", "3:10-3:25")]
    [InlineData("\"x${[1]}\"", "cannot interpolate a list into a string", "3:14-3:17")]
    [InlineData("var.zones[\"a\"]", "a list index needs a number, not the string \"a\"", "3:20-3:23")]
    [InlineData("-{}", "\"-\" needs a number, not a map", "3:11-3:13")]
    public void Infer_CertainMismatch_IsTypeMismatch(string text, string message, string span)
    {
        var diagnostic = Assert.Single(Infer(text).Diagnostics);
        Assert.Equal(DiagnosticCodes.TypeMismatch, diagnostic.Code);
        Assert.Equal(message, diagnostic.Message);
        Assert.Equal(span, Position(diagnostic.Span));
    }

    [Fact]
    public void Infer_UnknownFunction_SuggestsClosest()
    {
        var diagnostic = Assert.Single(Infer("uper(\"a\")").Diagnostics);
        Assert.Equal(DiagnosticCodes.UnknownFunction, diagnostic.Code);
        Assert.Equal("did you mean \"upper\"?", diagnostic.Help);
    }

    [Fact]
    public void Infer_WrongArity_NamesSignature()
    {
        var diagnostic = Assert.Single(Infer("join(\",\")").Diagnostics);
        Assert.Equal(DiagnosticCodes.WrongArity, diagnostic.Code);
        Assert.Equal("the signature is join(separator string, list list(string)) string", diagnostic.Help);
    }

    [Fact]
    public void Infer_ReferenceChain_AsksForWholeReference()
    {
        var asked = new List<string>();
        TypeChecker.Infer(Parse("web[count.index].name"), r => { asked.Add(r.ToString()); return BatonType.Any; }, new DiagnosticBag());
        Assert.Equal("web[count.index].name", asked[0]);
        Assert.Contains("count.index", asked);
        Assert.Contains("web", asked);
    }
}
