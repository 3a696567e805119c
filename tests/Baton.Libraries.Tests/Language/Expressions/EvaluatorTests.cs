using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

public sealed class EvaluatorTests
{
    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("7 / 2", 3.5)]
    [InlineData("7 % 3", 1)]
    [InlineData("-7 % 3", -1)]
    [InlineData("-var.replicas", -3)]
    [InlineData("\"5\" * 2", 10)]
    [InlineData("var.count_text + 1", 6)]
    [InlineData("\"5\" + \"5\"", 10)]
    public void Evaluate_Arithmetic_YieldsNumber(string text, double expected) =>
        Assert.Equal(Value.Number(expected), Eval(text));

    [Theory]
    [InlineData("1 < 2", true)]
    [InlineData("2 <= 2", true)]
    [InlineData("3 > 4", false)]
    [InlineData("\"10\" >= 9", true)]
    [InlineData("1 == 1", true)]
    [InlineData("1 == \"1\"", false)]
    [InlineData("[1, {a = \"b\"}] == [1, {a = \"b\"}]", true)]
    [InlineData("{a = 1} != {a = 2}", true)]
    [InlineData("null == null", true)]
    [InlineData("var.nothing == null", true)]
    [InlineData("true && !false", true)]
    [InlineData("false || \"true\"", true)]
    [InlineData("!(1 < 2) || 3 == 3 && false", false)]
    public void Evaluate_ComparisonAndLogic_YieldsBool(string text, bool expected) =>
        Assert.Equal(Value.Bool(expected), Eval(text));

    [Fact]
    public void Evaluate_ShortCircuit_SkipsRightSide()
    {
        Assert.Equal(Value.False, Eval("false && undefined_name.x"));
        Assert.Equal(Value.True, Eval("true || 1 / 0 == 1"));
    }

    [Fact]
    public void Evaluate_Conditional_EvaluatesOnlyChosenBranch()
    {
        Assert.Equal(Value.String("many"), Eval("var.replicas > 1 ? \"many\" : undefined_name"));
        Assert.Equal(Value.Number(2), Eval("false ? 1 / 0 : 2"));
    }

    [Fact]
    public void Evaluate_Template_ConvertsNumbersAndBools() =>
        Assert.Equal(Value.String("shop x3 true"), Eval("\"${var.name} x${var.replicas} ${1 < 2}\""));

    [Fact]
    public void Evaluate_Index_ReadsListsAndMaps()
    {
        Assert.Equal(Value.Number(443), Eval("var.ports[1]"));
        Assert.Equal(Value.Number(443), Eval("var.ports[\"1\"]"));
        Assert.Equal(Value.String("prod"), Eval("var.tags[\"env\"]"));
        Assert.Equal(Value.String("prod"), Eval("var.tags.env"));
        Assert.Equal(Value.String("https://eu"), Eval("site[\"eu\"].url"));
        Assert.Equal(Value.String("web-1"), Eval("web[1].name"));
    }

    [Fact]
    public void Evaluate_Splat_MapsStepsOverElements()
    {
        Assert.Equal(List(Str("web-0"), Str("web-1")), Eval("web[*].name"));
        Assert.Equal(Value.EmptyList, Eval("var.nothing[*].name"));
        Assert.Equal(List(Num(80)), Eval("[var.ports][*][0]"));
        Assert.Equal(List(Str("web-0"), Str("web-1")), Eval("web[*][\"name\"]"));
    }

    [Fact]
    public void Evaluate_ListAndMapConstruction_KeepsLastDuplicateKey()
    {
        Assert.Equal(List(Num(1), Str("a")), Eval("[1, \"a\"]"));
        Assert.Equal(Map(("a", Num(2)), ("k", Num(3))), Eval("{ a = 1, a = 2, (\"k\") = 3 }"));
    }

    [Fact]
    public void Evaluate_IndexOutOfRange_ReportsLength()
    {
        var (value, diagnostic) = EvalFailing("var.ports[2]");
        Assert.Equal(DiagnosticCodes.MissingElement, diagnostic.Code);
        Assert.Equal("index 2 is out of range for a list of 2 elements", diagnostic.Message);
        Assert.Equal("3:20-3:21", Position(diagnostic.Span));
        Assert.Equal(Value.UnknownAny, value);
    }

    [Fact]
    public void Evaluate_MissingMapKey_SuggestsClosestKey()
    {
        var (_, diagnostic) = EvalFailing("site[\"ue\"].url");
        Assert.Equal(DiagnosticCodes.MissingElement, diagnostic.Code);
        Assert.Equal("no key \"ue\" in the map", diagnostic.Message);
        Assert.Equal("did you mean \"eu\"?", diagnostic.Help);
    }

    [Fact]
    public void Evaluate_MissingAttribute_SuggestsClosestKey()
    {
        var (_, diagnostic) = EvalFailing("var.replica");
        Assert.Equal("no attribute or key \"replica\" here", diagnostic.Message);
        Assert.Equal("did you mean \"replicas\"?", diagnostic.Help);
    }

    [Fact]
    public void Evaluate_AttributeOfList_SuggestsSplat()
    {
        var (_, diagnostic) = EvalFailing("web.name");
        Assert.Equal(DiagnosticCodes.InvalidOperand, diagnostic.Code);
        Assert.StartsWith("use [*].name", diagnostic.Help, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MapIndexedByNumber_IsInvalidOperand()
    {
        var (_, diagnostic) = EvalFailing("var.tags[1]");
        Assert.Equal("a map key must be a string, not the number 1", diagnostic.Message);
    }

    [Fact]
    public void Evaluate_StringConcatenationWithPlus_SuggestsTemplate()
    {
        var (_, diagnostic) = EvalFailing("\"a\" + \"b\"");
        Assert.Equal(DiagnosticCodes.InvalidOperand, diagnostic.Code);
        Assert.Equal("\"+\" needs numbers, but the left operand is the string \"a\"", diagnostic.Message);
        Assert.Equal("\"+\" adds numbers; to join strings use \"${a}${b}\" or join()", diagnostic.Help);
        Assert.Equal("3:10-3:13", Position(diagnostic.Span));
    }

    [Fact]
    public void Evaluate_BothOperandsWrong_ReportsLeftOnly() =>
        Assert.Equal("\"*\" needs numbers, but the left operand is a list", EvalFailing("[1] * {}").Diagnostic.Message);

    [Theory]
    [InlineData("1 / 0")]
    [InlineData("1 % 0")]
    public void Evaluate_DivisionByZero_IsReported(string text) =>
        Assert.Equal(DiagnosticCodes.DivisionByZero, EvalFailing(text).Diagnostic.Code);

    [Fact]
    public void Evaluate_Overflow_IsNumberOutOfRange() =>
        Assert.Equal(DiagnosticCodes.NumberOutOfRange, EvalFailing("1e308 * 10").Diagnostic.Code);

    [Fact]
    public void Evaluate_NonBoolCondition_IsInvalidOperand()
    {
        var (_, diagnostic) = EvalFailing("[1] ? 1 : 2");
        Assert.Equal("the condition of \"? :\" must be a bool, not a list", diagnostic.Message);
    }

    [Fact]
    public void Evaluate_ComparisonOfStrings_IsInvalidOperand() =>
        Assert.Equal(DiagnosticCodes.InvalidOperand, EvalFailing("\"a\" < \"b\"").Diagnostic.Code);

    [Fact]
    public void Evaluate_NullInTemplate_SuggestsCoalesce()
    {
        var (_, diagnostic) = EvalFailing("\"x${var.nothing}\"");
        Assert.Equal("cannot interpolate null into a string", diagnostic.Message);
        Assert.StartsWith("use coalesce", diagnostic.Help, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnknownRoot_IsReferenceNotAvailableWithSuggestion()
    {
        var (_, diagnostic) = EvalFailing("vra.replicas");
        Assert.Equal(DiagnosticCodes.ReferenceNotAvailable, diagnostic.Code);
        Assert.Equal("did you mean \"var\"?", diagnostic.Help);
    }

    [Fact]
    public void Evaluate_ErrorInsideLargerExpression_DoesNotCascade()
    {
        var diagnostics = new DiagnosticBag();
        var value = Evaluator.Evaluate(Parse("upper(\"${var.ports[9]}\") == \"X\" ? 1 : 2"), DefaultScope, diagnostics);
        Assert.Single(diagnostics);
        Assert.False(value.IsKnown);
    }

    [Fact]
    public void Evaluate_ProgrammaticDeepTree_ReportsInsteadOfOverflowing()
    {
        var span = Origin("x").SpanOf(0, 1);
        Expression expression = new LiteralExpression(Value.Number(1)) { Span = span };
        for (var i = 0; i < 100_000; i++)
        {
            expression = new UnaryExpression(UnaryOperator.Negate, expression) { Span = span };
        }

        var diagnostics = new DiagnosticBag();
        var value = Evaluator.Evaluate(expression, DefaultScope, diagnostics);
        Assert.Single(diagnostics);
        Assert.False(value.IsKnown);
    }
}
