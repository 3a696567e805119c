using Baton.Diagnostics;
using Baton.Expressions;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

public sealed class PrinterTests
{
    [Theory]
    [InlineData("a+b*c", "a + b * c")]
    [InlineData("(a+b)*c", "(a + b) * c")]
    [InlineData("a-(b - c)", "a - (b - c)")]
    [InlineData("a-(b-c)", "a - b-c")]
    [InlineData("(a ? b : c) ? d : e", "(a ? b : c) ? d : e")]
    [InlineData("a ? b : (c ? d : e)", "a ? b : c ? d : e")]
    [InlineData("(-a).b", "(-a).b")]
    [InlineData("-(a.b)", "-a.b")]
    [InlineData("(-5).x", "(-5).x")]
    [InlineData("- -5", "--5")]
    [InlineData("!(!a)", "!!a")]
    [InlineData("f( 1 ,[ ], { } )", "f(1, [], {})")]
    [InlineData("{\"a\":1,\"b c\"=2,(k)=3}", "{ a = 1, \"b c\" = 2, (k) = 3 }")]
    [InlineData("web[ * ] . name", "web[*].name")]
    [InlineData("\"x${ y }z\"", "\"x${y}z\"")]
    [InlineData("\"a\\nb\\\"$${c}\"", "\"a\\nb\\\"$${c}\"")]
    [InlineData("1.50", "1.5")]
    [InlineData("1e20", "1E+20")]
    public void Print_Expression_IsCanonical(string text, string expected) =>
        Assert.Equal(expected, Printed(text));

    [Theory]
    [InlineData("a - b - c")]
    [InlineData("a - (b - c)")]
    [InlineData("-(5)")]
    [InlineData("5.e")]
    [InlineData("a.b[0][\"k\"].c")]
    [InlineData("a[*].b[c + 1][*][0]")]
    [InlineData("a ? b ? c : d : e")]
    [InlineData("f(g(h()), \"${x}\", [1, -2.5e-7])")]
    [InlineData("{ (\"a${b}\") = 1, \"${c}\" = 2 }")]
    public void Print_ThenParse_GivesEqualTree(string text)
    {
        var expression = Parse(text);
        var reparsed = Parse(ExpressionPrinter.Print(expression));
        Assert.Equal(expression, reparsed, ExpressionComparer.Instance);
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("${var.replicas}", "${var.replicas}")]
    [InlineData("http://${host}:${port}/", "http://${host}:${port}/")]
    [InlineData("$${literal}", "$${literal}")]
    [InlineData("${ \"${x}\" }", "${\"${x}\"}")]
    public void PrintTemplate_Template_ReadsBackEqual(string text, string expected)
    {
        var expression = ParseTemplate(text);
        var printed = ExpressionPrinter.PrintTemplate(expression);
        Assert.Equal(expected, printed);
        Assert.Equal(expression, ParseTemplate(printed), ExpressionComparer.Instance);
    }

    [Fact]
    public void Print_AttributeThatIsNotIdentifier_PrintsAsIndex()
    {
        var span = Origin("x").SpanOf(0, 1);
        var getAttr = new GetAttrExpression(new VariableExpression("m") { Span = span }, "not valid") { Span = span };
        Assert.Equal("m[\"not valid\"]", ExpressionPrinter.Print(getAttr));
    }

    [Fact]
    public void Comparer_DifferentSpans_AreEqual()
    {
        var a = ExpressionParser.ParseExpression("a + 1", Origin("a + 1"), new DiagnosticBag());
        var b = ExpressionParser.ParseExpression("a+1", TextOrigin("other.yaml"), new DiagnosticBag());
        Assert.Equal(a, b, ExpressionComparer.Instance);
        Assert.NotEqual(a, Parse("a + 2"), ExpressionComparer.Instance);
    }

    private static Baton.Text.TextOrigin TextOrigin(string file) => Baton.Text.TextOrigin.Verbatim(file, new SourcePosition(1, 1), "a+1");
}
