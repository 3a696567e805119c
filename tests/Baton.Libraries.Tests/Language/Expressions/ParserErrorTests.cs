using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

public sealed class ParserErrorTests
{
    [Fact]
    public void ParseExpression_UnclosedCall_NamesFunctionAndOpeningPosition()
    {
        var (expression, diagnostic) = ParseFailing("x + join(\",\", list");
        Assert.Equal(DiagnosticCodes.ExpressionSyntax, diagnostic.Code);
        Assert.Equal("expected \")\" to close the call of \"join\" opened at 3:18, found the end of the text", diagnostic.Message);
        Assert.Equal("3:28-3:28", Position(diagnostic.Span));
        Assert.Equal(Value.UnknownAny, Assert.IsType<LiteralExpression>(expression).Value);
    }

    [Fact]
    public void ParseExpression_UnclosedList_PointsAtOffendingToken()
    {
        var (_, diagnostic) = ParseFailing("[1, 2 3]");
        Assert.Equal("expected \"]\" to close the list opened at 3:10, found the number 3", diagnostic.Message);
        Assert.Equal("3:16-3:17", Position(diagnostic.Span));
    }

    [Fact]
    public void ParseExpression_UnclosedParenthesis_ReportsOpening()
    {
        var (_, diagnostic) = ParseFailing("(a + b");
        Assert.Equal("expected \")\" to close the \"(\" opened at 3:10, found the end of the text", diagnostic.Message);
    }

    [Fact]
    public void ParseExpression_MissingColon_ReportsQuestionMark()
    {
        var (_, diagnostic) = ParseFailing("a ? b");
        Assert.Equal("expected \":\" of the conditional whose \"?\" is at 3:12, found the end of the text", diagnostic.Message);
    }

    [Fact]
    public void ParseExpression_NumberAfterDot_SuggestsIndex()
    {
        var (_, diagnostic) = ParseFailing("list.0");
        Assert.Equal("a number cannot follow \".\"", diagnostic.Message);
        Assert.Equal("use [0] to index a list", diagnostic.Help);
        Assert.Equal("3:15-3:16", Position(diagnostic.Span));
    }

    [Theory]
    [InlineData("a & b", "use \"&&\" for \"and\"")]
    [InlineData("a | b", "use \"||\" for \"or\"")]
    public void ParseExpression_SingleLogicalCharacter_SuggestsDoubled(string text, string help)
    {
        var (_, diagnostic) = ParseFailing(text);
        Assert.Equal(help, diagnostic.Help);
        Assert.Equal("3:12-3:13", Position(diagnostic.Span));
    }

    [Fact]
    public void ParseExpression_SingleEquals_SuggestsComparison()
    {
        var (_, diagnostic) = ParseFailing("resource.type = \"s3.bucket\"");
        Assert.Equal("unexpected \"=\" after the end of the expression", diagnostic.Message);
        Assert.Equal("use \"==\" to compare", diagnostic.Help);
    }

    [Fact]
    public void ParseExpression_EmptyText_ReportsMissingExpression()
    {
        var (_, diagnostic) = ParseFailing(string.Empty);
        Assert.Equal("expected an expression, but the text ended", diagnostic.Message);
    }

    [Fact]
    public void ParseExpression_UnterminatedString_IsBadStringLiteralAtQuote()
    {
        var (_, diagnostic) = ParseFailing("upper(\"abc)");
        Assert.Equal(DiagnosticCodes.BadStringLiteral, diagnostic.Code);
        Assert.Equal("string literal is not closed", diagnostic.Message);
        Assert.Equal("3:16-3:17", Position(diagnostic.Span));
    }

    [Fact]
    public void ParseExpression_StringBrokenByNewline_IsBadStringLiteral()
    {
        var (_, diagnostic) = ParseFailing("\"abc\n\"");
        Assert.Equal(DiagnosticCodes.BadStringLiteral, diagnostic.Code);
        Assert.Contains("before the end of the line", diagnostic.Help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"a\\qb\"", "unknown escape \"\\q\" in a string", "3:12-3:14")]
    [InlineData("\"\\u12\"", "\"\\u\" must be followed by four hexadecimal digits", "3:11-3:16")]
    public void ParseExpression_BadEscape_IsBadStringLiteralAtEscape(string text, string message, string span)
    {
        var (_, diagnostic) = ParseFailing(text);
        Assert.Equal(DiagnosticCodes.BadStringLiteral, diagnostic.Code);
        Assert.Equal(message, diagnostic.Message);
        Assert.Equal(span, Position(diagnostic.Span));
    }

    [Fact]
    public void ParseExpression_HugeNumber_IsNumberOutOfRange()
    {
        var (_, diagnostic) = ParseFailing("1e999");
        Assert.Equal(DiagnosticCodes.NumberOutOfRange, diagnostic.Code);
    }

    [Fact]
    public void ParseExpression_MalformedExponent_IsSyntaxError()
    {
        var (_, diagnostic) = ParseFailing("1e+");
        Assert.Equal("malformed number \"1e+\"", diagnostic.Message);
    }

    [Fact]
    public void ParseExpression_MapWithoutSeparator_ReportsExpectedEquals()
    {
        var (_, diagnostic) = ParseFailing("{ a 1 }");
        Assert.Equal("expected \"=\" or \":\" after the map key, found the number 1", diagnostic.Message);
    }

    [Fact]
    public void ParseExpression_BadMapKey_ExplainsKeys()
    {
        var (_, diagnostic) = ParseFailing("{ 1 = 2 }");
        Assert.Equal("expected a map key, found the number 1", diagnostic.Message);
        Assert.NotNull(diagnostic.Help);
    }

    [Fact]
    public void ParseExpression_DeepNesting_ReportsDepthInsteadOfOverflowing()
    {
        var text = new string('(', 5000) + "1" + new string(')', 5000);
        var (expression, diagnostic) = ParseFailing(text);
        Assert.Equal("expression nested too deeply (more than 256 levels)", diagnostic.Message);
        Assert.IsType<LiteralExpression>(expression);
    }

    [Fact]
    public void ParseExpression_LongOperatorChain_ReportsDepth()
    {
        var text = string.Join(" + ", Enumerable.Repeat("1", 2000));
        var (_, diagnostic) = ParseFailing(text);
        Assert.Contains("nested too deeply", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseExpression_ManyUnaryOperators_ReportsDepth()
    {
        var (_, diagnostic) = ParseFailing(new string('!', 100_000) + "x");
        Assert.Contains("nested too deeply", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseExpression_LongFlatList_IsFine() =>
        Assert.Equal(3000, Assert.IsType<ListExpression>(Parse("[" + string.Join(",", Enumerable.Repeat("1", 3000)) + "]")).Items.Length);

    [Fact]
    public void ParseTemplate_UnclosedInterpolation_IsUnterminatedAtOpening()
    {
        var (_, diagnostic) = ParseFailing("abc ${var.x", template: true);
        Assert.Equal(DiagnosticCodes.UnterminatedInterpolation, diagnostic.Code);
        Assert.Equal("\"${\" at 3:14 is never closed", diagnostic.Message);
        Assert.Equal("3:14-3:16", Position(diagnostic.Span));
    }

    [Fact]
    public void ParseTemplate_ErrorInOneInterpolation_RecoversForTheNext()
    {
        var diagnostics = new DiagnosticBag();
        var text = "${a +} and ${b} and ${c d}";
        var expression = ExpressionParser.ParseTemplate(text, Origin(text), diagnostics);
        Assert.Equal(2, diagnostics.Count);
        Assert.Equal("unexpected \"}\"; expected an expression", diagnostics[0].Message);
        Assert.Equal("3:15-3:16", Position(diagnostics[0].Span));
        Assert.Equal("expected \"}\" to close the \"${\" opened at 3:30, found \"d\"", diagnostics[1].Message);
        var template = Assert.IsType<TemplateExpression>(expression);
        Assert.Equal("b", Assert.IsType<VariableExpression>(template.Parts[2]).Name);
    }

    [Fact]
    public void ParseTemplate_UnclosedInterpolationInsideStringLiteral_IsReported()
    {
        var (_, diagnostic) = ParseFailing("\"a ${b\"", template: false);
        Assert.Equal("expected \"}\" to close the \"${\" opened at 3:13, found a string", diagnostic.Message);
    }

    [Fact]
    public void ParseExpression_ErrorNode_EvaluatesWithoutFurtherDiagnostics()
    {
        var diagnostics = new DiagnosticBag();
        var expression = ExpressionParser.ParseExpression("upper(", Origin("upper("), diagnostics);
        Assert.Single(diagnostics);
        var value = Evaluator.Evaluate(expression, DefaultScope, diagnostics);
        Assert.Single(diagnostics);
        Assert.False(value.IsKnown);
    }

    [Fact]
    public void ParseExpression_MultiLineText_PointsAtLaterLine()
    {
        var (_, diagnostic) = ParseFailing("[\n  1,\n  2 @\n]");
        Assert.Equal("expected \"]\" to close the list opened at 3:10, found \"@\"", diagnostic.Message);
        Assert.Equal("5:5-5:6", Position(diagnostic.Span));
    }
}
