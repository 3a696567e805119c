using Baton.Expressions;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

public sealed class TemplateParserTests
{
    [Fact]
    public void ParseTemplate_PlainText_IsStringLiteral() =>
        Assert.Equal(Value.String("hello {world} $x"), Assert.IsType<LiteralExpression>(ParseTemplate("hello {world} $x")).Value);

    [Fact]
    public void ParseTemplate_EmptyText_IsEmptyString() =>
        Assert.Equal(Value.EmptyString, Assert.IsType<LiteralExpression>(ParseTemplate(string.Empty)).Value);

    [Fact]
    public void ParseTemplate_SingleInterpolation_IsTheExpressionItself()
    {
        var getAttr = Assert.IsType<GetAttrExpression>(ParseTemplate("${var.replicas}"));
        Assert.Equal("replicas", getAttr.Name);
    }

    [Fact]
    public void ParseTemplate_SingleInterpolationOfNumber_EvaluatesToNumber() =>
        Assert.Equal(Value.Number(3), Evaluator.Evaluate(ParseTemplate("${ var.replicas }"), DefaultScope, new()));

    [Fact]
    public void ParseTemplate_TextAroundInterpolation_IsTemplate()
    {
        var template = Assert.IsType<TemplateExpression>(ParseTemplate("http://127.0.0.1:${lb.listen}/"));
        Assert.Equal(3, template.Parts.Length);
        Assert.Equal("3:10-3:27", Position(template.Parts[0].Span));
        Assert.Equal("3:29-3:38", Position(template.Parts[1].Span));
    }

    [Fact]
    public void ParseTemplate_TwoInterpolations_IsTemplateWithoutEmptyParts()
    {
        var template = Assert.IsType<TemplateExpression>(ParseTemplate("${a}${b}"));
        Assert.Equal(2, template.Parts.Length);
        Assert.All(template.Parts, p => Assert.IsType<VariableExpression>(p));
    }

    [Theory]
    [InlineData("$${x}", "${x}")]
    [InlineData("cost: $5", "cost: $5")]
    [InlineData("$$${x}", "$${x}")]
    [InlineData("a $${b} c", "a ${b} c")]
    public void ParseTemplate_DollarEscapes_YieldLiteralText(string text, string expected) =>
        Assert.Equal(Value.String(expected), Assert.IsType<LiteralExpression>(ParseTemplate(text)).Value);

    [Fact]
    public void ParseTemplate_EscapeNextToInterpolation_KeepsBoth()
    {
        var template = Assert.IsType<TemplateExpression>(ParseTemplate("$${a}${b}"));
        Assert.Equal(Value.String("${a}"), Assert.IsType<LiteralExpression>(template.Parts[0]).Value);
        Assert.IsType<VariableExpression>(template.Parts[1]);
    }

    [Fact]
    public void ParseTemplate_MapInsideInterpolation_DoesNotEndIt()
    {
        var getAttr = Assert.IsType<GetAttrExpression>(ParseTemplate("${ { a = \"}\", b = 2 }.b }"));
        Assert.IsType<MapExpression>(getAttr.Target);
    }

    [Fact]
    public void ParseTemplate_StringWithBracesInsideInterpolation_DoesNotEndIt()
    {
        var call = Assert.IsType<FunctionCallExpression>(ParseTemplate("${join(\"}\", [\"{\", \"${x}\"])}"));
        Assert.Equal("join", call.Name);
    }

    [Fact]
    public void ParseTemplate_BackslashesInPlainText_AreNotEscapes() =>
        Assert.Equal(Value.String("C:\\new\\dir"), Assert.IsType<LiteralExpression>(ParseTemplate("C:\\new\\dir")).Value);
}
