using Baton.Expressions;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

public sealed class ParserTests
{
    [Theory]
    [InlineData("42", 42)]
    [InlineData("1.5", 1.5)]
    [InlineData("1e3", 1000)]
    [InlineData("2.5E-1", 0.25)]
    [InlineData("-7", -7)]
    public void ParseExpression_NumberLiteral_YieldsNumber(string text, double expected)
    {
        var literal = Assert.IsType<LiteralExpression>(Parse(text));
        Assert.Equal(Value.Number(expected), literal.Value);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void ParseExpression_BoolKeyword_YieldsBool(string text, bool expected) =>
        Assert.Equal(Value.Bool(expected), Assert.IsType<LiteralExpression>(Parse(text)).Value);

    [Fact]
    public void ParseExpression_Null_YieldsNull() =>
        Assert.Equal(Value.Null, Assert.IsType<LiteralExpression>(Parse("null")).Value);

    [Theory]
    [InlineData("\"a\\\"b\"", "a\"b")]
    [InlineData("\"back\\\\slash\"", "back\\slash")]
    [InlineData("\"l1\\nl2\\r\\t\"", "l1\nl2\r\t")]
    [InlineData("\"\\u00e9t\\u00E9\"", "été")]
    [InlineData("\"$${not}\"", "${not}")]
    [InlineData("\"{ braces }\"", "{ braces }")]
    [InlineData("\"\"", "")]
    public void ParseExpression_StringLiteral_ProcessesEscapes(string text, string expected) =>
        Assert.Equal(Value.String(expected), Assert.IsType<LiteralExpression>(Parse(text)).Value);

    [Fact]
    public void ParseExpression_StringWithInterpolation_YieldsTemplate()
    {
        var template = Assert.IsType<TemplateExpression>(Parse("\"a-${var.x}-b\""));
        Assert.Equal(3, template.Parts.Length);
        Assert.Equal(Value.String("a-"), Assert.IsType<LiteralExpression>(template.Parts[0]).Value);
        Assert.Equal("var.x", ExpressionPrinter.Print(template.Parts[1]));
        Assert.Equal(Value.String("-b"), Assert.IsType<LiteralExpression>(template.Parts[2]).Value);
    }

    [Fact]
    public void ParseExpression_BracesInsideNestedStringsAndMaps_DoNotEndInterpolation()
    {
        var template = Assert.IsType<TemplateExpression>(Parse("\"x${ {a = \"}\"}.a }y\""));
        Assert.Equal("\"x${{ a = \"}\" }.a}y\"", ExpressionPrinter.Print(template));
    }

    [Fact]
    public void ParseExpression_Identifiers_AllowHyphensAndUnderscores()
    {
        var variable = Assert.IsType<VariableExpression>(Parse("my-db_2"));
        Assert.Equal("my-db_2", variable.Name);
    }

    [Theory]
    [InlineData("a - b")]
    [InlineData("a -b")]
    [InlineData("a- b")]
    public void ParseExpression_MinusWithSpace_IsSubtraction(string text)
    {
        var binary = Assert.IsType<BinaryExpression>(Parse(text));
        Assert.Equal(BinaryOperator.Subtract, binary.Operator);
    }

    [Fact]
    public void ParseExpression_MinusBetweenLetters_IsPartOfName() =>
        Assert.Equal("a-b", Assert.IsType<VariableExpression>(Parse("a-b")).Name);

    [Theory]
    [InlineData("1 + 2 * 3", "1 + 2 * 3", BinaryOperator.Add)]
    [InlineData("(1 + 2) * 3", "(1 + 2) * 3", BinaryOperator.Multiply)]
    [InlineData("1 - 2 - 3", "1 - 2 - 3", BinaryOperator.Subtract)]
    [InlineData("1 - (2 - 3)", "1 - (2 - 3)", BinaryOperator.Subtract)]
    [InlineData("a || b && c", "a || b && c", BinaryOperator.Or)]
    [InlineData("a == b || c != d", "a == b || c != d", BinaryOperator.Or)]
    [InlineData("a < b == c >= d", "a < b == c >= d", BinaryOperator.Equal)]
    [InlineData("a + b < c * d", "a + b < c * d", BinaryOperator.Less)]
    [InlineData("a * b % c / d", "a * b % c / d", BinaryOperator.Divide)]
    public void ParseExpression_BinaryOperators_FollowPrecedence(string text, string printed, BinaryOperator top)
    {
        var expression = Parse(text);
        Assert.Equal(top, Assert.IsType<BinaryExpression>(expression).Operator);
        Assert.Equal(printed, ExpressionPrinter.Print(expression));
    }

    [Fact]
    public void ParseExpression_SubtractionChain_IsLeftAssociative()
    {
        var outer = Assert.IsType<BinaryExpression>(Parse("a - b - c"));
        Assert.IsType<BinaryExpression>(outer.Left);
        Assert.IsType<VariableExpression>(outer.Right);
    }

    [Fact]
    public void ParseExpression_NestedConditional_IsRightAssociative()
    {
        var outer = Assert.IsType<ConditionalExpression>(Parse("a ? b : c ? d : e"));
        Assert.IsType<VariableExpression>(outer.TrueResult);
        Assert.IsType<ConditionalExpression>(outer.FalseResult);
    }

    [Fact]
    public void ParseExpression_ConditionalCondition_BindsLooserThanOr()
    {
        var conditional = Assert.IsType<ConditionalExpression>(Parse("a || b ? 1 : 2"));
        Assert.Equal(BinaryOperator.Or, Assert.IsType<BinaryExpression>(conditional.Condition).Operator);
    }

    [Fact]
    public void ParseExpression_UnaryOperators_BindTighterThanBinaryAndLooserThanPostfix()
    {
        var binary = Assert.IsType<BinaryExpression>(Parse("!a.b && -c[0] < 1"));
        var not = Assert.IsType<UnaryExpression>(binary.Left);
        Assert.Equal(UnaryOperator.Not, not.Operator);
        Assert.IsType<GetAttrExpression>(not.Operand);
        var less = Assert.IsType<BinaryExpression>(binary.Right);
        var negate = Assert.IsType<UnaryExpression>(less.Left);
        Assert.IsType<IndexExpression>(negate.Operand);
    }

    [Fact]
    public void ParseExpression_NegatedParenthesisedNumber_KeepsTheOperator()
    {
        var negate = Assert.IsType<UnaryExpression>(Parse("-(5)"));
        Assert.Equal(Value.Number(5), Assert.IsType<LiteralExpression>(negate.Operand).Value);
    }

    [Fact]
    public void ParseExpression_PostfixChain_NestsLeftToRight()
    {
        var getAttr = Assert.IsType<GetAttrExpression>(Parse("site[\"eu\"].url"));
        Assert.Equal("url", getAttr.Name);
        var index = Assert.IsType<IndexExpression>(getAttr.Target);
        Assert.Equal("site", Assert.IsType<VariableExpression>(index.Target).Name);
        Assert.Equal(Value.String("eu"), Assert.IsType<LiteralExpression>(index.Key).Value);
    }

    [Fact]
    public void ParseExpression_Splat_CollectsFollowingSteps()
    {
        var splat = Assert.IsType<SplatExpression>(Parse("web[*].tags[\"env\"].x"));
        Assert.Equal("web", Assert.IsType<VariableExpression>(splat.Target).Name);
        Assert.Equal(3, splat.Steps.Length);
        Assert.Equal(new AttributeTraversal("tags"), splat.Steps[0]);
        Assert.Equal(new IndexTraversal(Value.String("env")), splat.Steps[1]);
        Assert.Equal(new AttributeTraversal("x"), splat.Steps[2]);
    }

    [Fact]
    public void ParseExpression_SplatWithComputedIndex_KeepsKeyExpression()
    {
        var splat = Assert.IsType<SplatExpression>(Parse("web[*].ports[count.index]"));
        var dynamic = Assert.IsType<DynamicIndexTraversal>(splat.Steps[1]);
        Assert.Equal("count.index", ExpressionPrinter.Print(dynamic.Key));
    }

    [Fact]
    public void ParseExpression_SecondSplat_WrapsTheFirst()
    {
        var outer = Assert.IsType<SplatExpression>(Parse("a[*].b[*].c"));
        Assert.IsType<SplatExpression>(outer.Target);
        Assert.Equal(new AttributeTraversal("c"), Assert.Single(outer.Steps));
    }

    [Fact]
    public void ParseExpression_FunctionCall_RecordsNameSpanAndArguments()
    {
        var call = Assert.IsType<FunctionCallExpression>(Parse("join(\",\", [a, b],)"));
        Assert.Equal("join", call.Name);
        Assert.Equal(2, call.Arguments.Length);
        Assert.Equal("3:10-3:14", Position(call.NameSpan));
        Assert.Equal("3:10-3:28", Position(call.Span));
    }

    [Fact]
    public void ParseExpression_ListWithTrailingComma_YieldsItems()
    {
        var list = Assert.IsType<ListExpression>(Parse("[1, \"two\", [3],]"));
        Assert.Equal(3, list.Items.Length);
        Assert.Empty(Assert.IsType<ListExpression>(Parse("[]")).Items);
    }

    [Fact]
    public void ParseExpression_MapKeys_AcceptNamesStringsAndParenthesisedExpressions()
    {
        var map = Assert.IsType<MapExpression>(Parse("{ name = 1, \"with space\": 2, (var.k) = 3, }"));
        Assert.Equal(3, map.Entries.Length);
        Assert.Equal(Value.String("name"), Assert.IsType<LiteralExpression>(map.Entries[0].Key).Value);
        Assert.Equal(Value.String("with space"), Assert.IsType<LiteralExpression>(map.Entries[1].Key).Value);
        Assert.IsType<GetAttrExpression>(map.Entries[2].Key);
        Assert.Empty(Assert.IsType<MapExpression>(Parse("{}")).Entries);
    }

    [Fact]
    public void ParseExpression_Spans_MapToFilePositions()
    {
        var binary = Assert.IsType<BinaryExpression>(Parse("var.a +\n  var.bc"));
        Assert.Equal("3:10-3:15", Position(binary.Left.Span));
        Assert.Equal("4:3-4:9", Position(binary.Right.Span));
        Assert.Equal("test.yaml", binary.Span.File);
    }

    [Fact]
    public void ParseExpression_AttributeNamedLikeKeyword_IsAllowedAfterDot() =>
        Assert.Equal("true", Assert.IsType<GetAttrExpression>(Parse("x.true")).Name);
}
