using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionTestHelpers;

namespace Baton.Libraries.Tests.Language.Expressions;

/// <summary>The <c>%{ for }</c> and <c>%{ if }</c> template directives: parsing, strip markers, rendering, errors, marks.</summary>
public sealed class TemplateDirectiveTests
{
    /// <summary>hosts [a, b]; ports {https = 443, http = 80}; flags; unknown, sensitive and mixed collections; a root h.</summary>
    private static EvaluationScope Roots { get; } = Scope(
        ("hosts", List(Str("a"), Str("b"))),
        ("ports", Map(("https", Num(443)), ("http", Num(80)))),
        ("flag", Value.True),
        ("off", Value.False),
        ("word", Str("w")),
        ("h", Str("root-h")),
        ("later_list", Value.Unknown(BatonType.ListOf(BatonType.String))),
        ("later_bool", Value.Unknown(BatonType.Bool)),
        ("later_any", Value.UnknownAny),
        ("partly", List(Str("a"), Value.Unknown(BatonType.String))),
        ("secret_list", List(Str("x")).AsSensitive()),
        ("secret_flag", Value.True.AsSensitive()),
        ("mixed", List(Str("plain"), Str("hidden").AsSensitive())),
        ("big", Str(new string('b', 1024 * 1024))));

    private static Value Render(string template)
    {
        var diagnostics = new DiagnosticBag();
        var value = Evaluator.Evaluate(ParseTemplate(template), Roots, diagnostics);
        Assert.True(diagnostics.Count == 0, $"unexpected diagnostics for {template}: {string.Join("; ", diagnostics.Select(d => d.Message))}");
        return value;
    }

    private static Diagnostic RenderFailing(string template)
    {
        var diagnostics = new DiagnosticBag();
        var value = Evaluator.Evaluate(ParseTemplate(template), Roots, diagnostics);
        Assert.True(diagnostics.Count == 1, $"expected one diagnostic for {template}, got: {string.Join("; ", diagnostics.Select(d => d.Message))}");
        Assert.False(value.IsKnown);
        return diagnostics[0];
    }

    /// <summary>The one diagnostic of a template that does not parse; what the parser returns evaluates to an unknown, quietly.</summary>
    private static Diagnostic ParseError(string template)
    {
        var (expression, diagnostic) = ParseFailing(template, template: true);
        var diagnostics = new DiagnosticBag();
        Assert.False(Evaluator.Evaluate(expression, Roots, diagnostics).IsKnown);
        Assert.Empty(diagnostics);
        return diagnostic;
    }

    [Fact]
    public void ParseTemplate_ForDirective_IsLoopPartWithBody()
    {
        var template = Assert.IsType<TemplateExpression>(ParseTemplate("%{ for h in hosts }<${h}>%{ endfor }"));
        var loop = Assert.IsType<ForTemplateExpression>(Assert.Single(template.Parts));
        Assert.Null(loop.KeyName);
        Assert.Equal("h", loop.ValueName);
        Assert.Equal("hosts", Assert.IsType<VariableExpression>(loop.Collection).Name);
        Assert.Equal("(lit String \"<\") (var h) (lit String \">\")", string.Join(" ", loop.Body.Select(Dump)));
        Assert.Equal("3:10-3:46", Position(loop.Span));
    }

    [Fact]
    public void ParseTemplate_ForWithKeyAndValue_NamesBoth()
    {
        var loop = Assert.IsType<ForTemplateExpression>(Assert.IsType<TemplateExpression>(ParseTemplate("%{ for i, h in hosts }${i}%{ endfor }")).Parts[0]);
        Assert.Equal("i", loop.KeyName);
        Assert.Equal("h", loop.ValueName);
    }

    [Fact]
    public void ParseTemplate_IfElse_HasBothBranches()
    {
        var template = Assert.IsType<TemplateExpression>(ParseTemplate("x %{ if flag }yes%{ else }no%{ endif }"));
        Assert.Equal(2, template.Parts.Length);
        var branch = Assert.IsType<IfTemplateExpression>(template.Parts[1]);
        Assert.Equal("(var flag)", Dump(branch.Condition));
        Assert.Equal("(lit String \"yes\")", Dump(Assert.Single(branch.Then)));
        Assert.Equal("(lit String \"no\")", Dump(Assert.Single(branch.Else)));
    }

    [Fact]
    public void ParseTemplate_IfWithoutElse_HasEmptyElse() =>
        Assert.Empty(Assert.IsType<IfTemplateExpression>(Assert.IsType<TemplateExpression>(ParseTemplate("%{ if flag }yes%{ endif }")).Parts[0]).Else);

    [Fact]
    public void ParseExpression_DirectiveInQuotedString_IsTemplate()
    {
        var template = Assert.IsType<TemplateExpression>(Parse("\"%{ if flag }on%{ endif }\""));
        Assert.IsType<IfTemplateExpression>(Assert.Single(template.Parts));
    }

    [Theory]
    [InlineData("%%{ for x in y }", "%{ for x in y }")]
    [InlineData("100% {ok}", "100% {ok}")]
    [InlineData("%%%{x}", "%%{x}")]
    [InlineData("a %%{b} $${c}", "a %{b} ${c}")]
    public void ParseTemplate_PercentEscapes_YieldLiteralText(string text, string expected) =>
        Assert.Equal(Value.String(expected), Assert.IsType<LiteralExpression>(ParseTemplate(text)).Value);

    [Fact]
    public void ParseTemplate_LonePercentBrace_IsAnError() =>
        Assert.Equal("expected a directive after \"%{\", but the text ended", ParseError("50%{").Message);

    [Fact]
    public void Evaluate_EscapedDirectiveInQuotedString_IsText() =>
        Assert.Equal(Str("%{ if x }"), Eval("\"%%{ if x }\""));

    [Theory]
    [InlineData("%{ for h in hosts }[${h}]%{ endfor }", "[a][b]")]
    [InlineData("%{ for i, h in hosts }${i}=${h};%{ endfor }", "0=a;1=b;")]
    [InlineData("%{ for k, v in ports }${k}:${v} %{ endfor }", "http:80 https:443 ")]
    [InlineData("%{ for v in ports }${v},%{ endfor }", "80,443,")]
    [InlineData("<%{ for h in [] }x%{ endfor }>", "<>")]
    [InlineData("%{ if flag }yes%{ else }no%{ endif }", "yes")]
    [InlineData("%{ if off }yes%{ else }no%{ endif }", "no")]
    [InlineData("<%{ if off }yes%{ endif }>", "<>")]
    [InlineData("%{ if \"true\" }yes%{ endif }", "yes")]
    [InlineData("%{ if length(hosts) > 1 }many%{ endif }", "many")]
    [InlineData("%{ for h in hosts }%{ for p in [1, 2] }${h}${p}%{ if p == 1 },%{ endif }%{ endfor };%{ endfor }", "a1,a2;b1,b2;")]
    [InlineData("${h}|%{ for h in hosts }${h}%{ endfor }|${h}", "root-h|ab|root-h")]
    [InlineData("%{ for x in [1, 2] }%{ for x in [\"a\"] }${x}%{ endfor }${x}%{ endfor }", "a1a2")]
    [InlineData("%{ for s in [{ name = \"web\", port = 80 }] }${s.name}:${s.port}%{ endfor }", "web:80")]
    [InlineData("%{ for h in hosts }${\"%{ for c in [1, 2] }${h}${c}%{ endfor }\"}.%{ endfor }", "a1a2.b1b2.")]
    public void Evaluate_Directives_RenderText(string template, string expected) =>
        Assert.Equal(Str(expected), Render(template));

    [Fact]
    public void Evaluate_ForInQuotedStringArgument_Renders() =>
        Assert.Equal(Str("A,B,"), Evaluator.Evaluate(Parse("upper(\"%{ for h in hosts }${h},%{ endfor }\")"), Roots, new DiagnosticBag()));

    [Fact]
    public void Evaluate_LoopVariableAfterTheLoop_IsNotAvailable()
    {
        var diagnostic = RenderFailing("%{ for x in hosts }%{ endfor }${x}");
        Assert.Equal(DiagnosticCodes.ReferenceNotAvailable, diagnostic.Code);
        Assert.Equal("\"x\" is not available here", diagnostic.Message);
    }

    [Theory]
    [InlineData("a  ${~ word ~}  b", "awb")]
    [InlineData("a  ${~ word }  b", "aw  b")]
    [InlineData("a  ${ word ~}  b", "a  wb")]
    [InlineData("%{ for h in hosts ~}\nserver ${h};\n%{ endfor ~}\nend", "server a;\nserver b;\nend")]
    [InlineData("line\n\n  %{~ if flag ~}\n\n  x\n%{~ endif }", "linex")]
    [InlineData("%{ if off ~}   yes   %{~ else ~}   no   %{~ endif }!", "no!")]
    [InlineData("x \n${~ \"  kept  \" ~}\n y", "x  kept  y")]
    [InlineData("a %{~ for h in hosts ~} ${h} %{~ endfor ~} b", "aabb")]
    public void Evaluate_StripMarkers_TrimAdjacentWhitespaceOnly(string template, string expected) =>
        Assert.Equal(Str(expected), Render(template));

    [Fact]
    public void Evaluate_StripMarkersInQuotedString_TrimEscapedWhitespace() =>
        Assert.Equal(Str("a-b-c"), Eval("\"a \\n ${~ \"-b-\" ~} \\t c\""));

    [Fact]
    public void ParseTemplate_UnclosedFor_SaysToCloseItAtItsPosition()
    {
        var diagnostic = ParseError("%{ for h in hosts }\n  ${h}\n");
        Assert.Equal(DiagnosticCodes.UnclosedTemplateDirective, diagnostic.Code);
        Assert.Equal("\"%{ for }\" at 3:10 is never closed", diagnostic.Message);
        Assert.Equal("close it with \"%{ endfor }\"", diagnostic.Help);
        Assert.Equal("3:10-3:29", Position(diagnostic.Span));
    }

    [Fact]
    public void ParseTemplate_UnclosedIf_SaysEndif()
    {
        var diagnostic = ParseError("%{ if flag }yes");
        Assert.Equal(DiagnosticCodes.UnclosedTemplateDirective, diagnostic.Code);
        Assert.Equal("close it with \"%{ endif }\"", diagnostic.Help);
    }

    [Fact]
    public void ParseTemplate_InnerIfClosedByEndfor_NamesBoth()
    {
        var diagnostic = ParseError("%{ for h in hosts }%{ if flag }x%{ endfor }");
        Assert.Equal(DiagnosticCodes.InvalidTemplateDirective, diagnostic.Code);
        Assert.Equal("expected \"%{ endif }\" to close the \"%{ if }\" opened at 3:29, found \"%{ endfor }\"", diagnostic.Message);
        Assert.Equal("3:42-3:53", Position(diagnostic.Span));
    }

    [Theory]
    [InlineData("a\n%{ endif }", "\"%{ endif }\" closes no \"%{ if }\"", "4:1-4:11")]
    [InlineData("a\n%{ endfor }", "\"%{ endfor }\" closes no \"%{ for }\"", "4:1-4:12")]
    [InlineData("x%{ else }y", "\"%{ else }\" outside \"%{ if }\"", "3:11-3:20")]
    [InlineData("%{ for h in hosts }%{ else }%{ endfor }", "\"%{ else }\" inside the \"%{ for }\" opened at 3:10", "3:29-3:38")]
    [InlineData("%{ if flag }a%{ else }b%{ else }c%{ endif }", "a second \"%{ else }\" in the \"%{ if }\" opened at 3:10", "3:33-3:42")]
    [InlineData("%{ fro h in hosts }", "unknown template directive \"fro\"", "3:13-3:16")]
    [InlineData("%{ 1 }", "expected a directive after \"%{\", found the number 1", "3:13-3:14")]
    [InlineData("%{ for h hosts }", "expected \"in\" after the loop variable of \"%{ for }\", found \"hosts\"", "3:19-3:24")]
    [InlineData("%{ for h, h in hosts }%{ endfor }", "the key and the value of a \"%{ for }\" cannot both be named \"h\"", "3:20-3:21")]
    [InlineData("%{ for null in hosts }%{ endfor }", "\"null\" cannot name a loop variable", "3:17-3:21")]
    [InlineData("%{ for [h] in hosts }%{ endfor }", "expected the name of a loop variable after \"%{ for\", found \"[\"", "3:17-3:18")]
    public void ParseTemplate_InvalidDirective_IsOneLocatedError(string template, string message, string position)
    {
        var diagnostic = ParseError(template);
        Assert.Equal(DiagnosticCodes.InvalidTemplateDirective, diagnostic.Code);
        Assert.Equal(message, diagnostic.Message);
        Assert.Equal(position, Position(diagnostic.Span));
    }

    [Fact]
    public void ParseTemplate_UnknownDirective_HelpListsDirectivesAndEscape() =>
        Assert.Contains("write \"%%{\" for a literal \"%{\"", ParseError("%{ fro h in hosts }").Help, StringComparison.Ordinal);

    [Fact]
    public void ParseTemplate_DirectiveNeverClosedByBrace_IsUnterminated()
    {
        var diagnostic = ParseError("%{ if flag");
        Assert.Equal(DiagnosticCodes.UnterminatedInterpolation, diagnostic.Code);
        Assert.Equal("\"%{\" at 3:10 is never closed", diagnostic.Message);
        Assert.Equal("close it with \"}\", or write \"%%{\" for a literal \"%{\"", diagnostic.Help);
        Assert.Equal("3:10-3:12", Position(diagnostic.Span));
    }

    [Fact]
    public void ParseTemplate_TextAfterEndif_IsExpressionSyntaxWithoutFurtherErrors()
    {
        var diagnostic = ParseError("%{ if flag }a%{ endif x }");
        Assert.Equal(DiagnosticCodes.ExpressionSyntax, diagnostic.Code);
        Assert.Equal("expected \"}\" to close the \"%{\" opened at 3:23, found \"x\"", diagnostic.Message);
        Assert.Equal("3:32-3:33", Position(diagnostic.Span));
    }

    [Fact]
    public void ParseTemplate_BrokenForHeader_DoesNotReportItsEndfor()
    {
        var diagnostic = ParseError("%{ for h in }x%{ endfor }");
        Assert.Equal(DiagnosticCodes.ExpressionSyntax, diagnostic.Code);
        Assert.StartsWith("unexpected \"}\"", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseExpression_UnclosedForInQuotedString_IsOneError()
    {
        var (expression, diagnostic) = ParseFailing("\"%{ for h in hosts }x\" == y");
        Assert.Equal(DiagnosticCodes.UnclosedTemplateDirective, diagnostic.Code);
        Assert.Equal("3:11-3:30", Position(diagnostic.Span));
        Assert.False(Assert.IsType<LiteralExpression>(expression).Value.IsKnown);
    }

    [Fact]
    public void ParseTemplate_DirectivesNestedTooDeeply_IsOneError()
    {
        var text = string.Concat(Enumerable.Repeat("%{ if flag }", Syntax.MaxDepth + 10)) + "x" + string.Concat(Enumerable.Repeat("%{ endif }", Syntax.MaxDepth + 10));
        Assert.Contains("nested too deeply", ParseError(text).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DirectivesNestedDeeplyWithinTheLimit_Render()
    {
        var text = string.Concat(Enumerable.Repeat("%{ if flag }", 100)) + "x" + string.Concat(Enumerable.Repeat("%{ endif }", 100));
        Assert.Equal(Str("x"), Render(text));
    }

    [Fact]
    public void Evaluate_ConditionNotBool_IsLocatedError()
    {
        var diagnostic = RenderFailing("%{ if 1 }x%{ endif }");
        Assert.Equal(DiagnosticCodes.InvalidOperand, diagnostic.Code);
        Assert.StartsWith("the condition of \"%{ if }\" must be a bool, not ", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("3:16-3:17", Position(diagnostic.Span));
    }

    [Theory]
    [InlineData("%{ for c in word }${c}%{ endfor }", "use split() to go over parts of a string")]
    [InlineData("%{ for c in null }${c}%{ endfor }", "use coalesce(list, []) to go over nothing when the list is null")]
    [InlineData("%{ for c in 5 }${c}%{ endfor }", null)]
    public void Evaluate_ForOverNonCollection_IsLocatedError(string template, string? help)
    {
        var diagnostic = RenderFailing(template);
        Assert.Equal(DiagnosticCodes.InvalidOperand, diagnostic.Code);
        Assert.StartsWith("\"%{ for }\" needs a list or a map, not ", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("3:22", diagnostic.Span!.Start.ToString());
        Assert.Equal(help, diagnostic.Help);
    }

    [Fact]
    public void Evaluate_ErrorInLoopBody_IsReportedOnce() =>
        Assert.Equal(DiagnosticCodes.InvalidOperand, RenderFailing("%{ for h in hosts }${h.name}%{ endfor }").Code);

    [Fact]
    public void Evaluate_NestedLoopsOverTheIterationBudget_StopWithOneError()
    {
        var diagnostic = RenderFailing("%{ for a in range(1001) }%{ for b in range(1000) }%{ endfor }%{ endfor }");
        Assert.Equal(DiagnosticCodes.LimitExceeded, diagnostic.Code);
        Assert.Equal($"more than {EvaluationBudget.MaxIterations:N0} iterations of %{{ for }} in one expression", diagnostic.Message);
    }

    [Fact]
    public void Evaluate_LoopRenderingTooMuchText_StopsWithOneError()
    {
        var diagnostic = RenderFailing("%{ for a in range(40) }${big}%{ endfor }");
        Assert.Equal(DiagnosticCodes.LimitExceeded, diagnostic.Code);
        Assert.Equal("more than 32 Mi characters rendered by %{ for } in one expression", diagnostic.Message);
    }

    [Theory]
    [InlineData("%{ for h in later_list }${h}%{ endfor }")]
    [InlineData("x-%{ for h in later_any }${h.anything}%{ endfor }")]
    [InlineData("%{ for h in partly }${h}%{ endfor }")]
    [InlineData("%{ if later_bool }a%{ else }b%{ endif }")]
    [InlineData("%{ for h in hosts }%{ if later_bool }${h}%{ endif }%{ endfor }")]
    public void Evaluate_UnknownCollectionOrCondition_IsUnknownString(string template)
    {
        var value = Render(template);
        Assert.False(value.IsKnown);
        Assert.Equal(TypeKind.String, value.UnknownType.Kind);
    }

    [Fact]
    public void Evaluate_UnknownCollection_StillReportsMistakesInTheBody() =>
        Assert.Equal(DiagnosticCodes.ReferenceNotAvailable, RenderFailing("%{ for h in later_list }${nope}%{ endfor }").Code);

    [Fact]
    public void Evaluate_UnknownCondition_StillReportsMistakesInEitherBranch() =>
        Assert.Equal(DiagnosticCodes.ReferenceNotAvailable, RenderFailing("%{ if later_bool }a%{ else }${nope}%{ endif }").Code);

    [Theory]
    [InlineData("%{ for h in secret_list }${h}%{ endfor }")]
    [InlineData("%{ for h in secret_list }constant%{ endfor }")]
    [InlineData("%{ for i, h in secret_list }${i}%{ endfor }")]
    [InlineData("%{ if secret_flag }a%{ endif }")]
    [InlineData("%{ if secret_flag }a%{ else }b%{ endif }")]
    [InlineData("%{ for h in mixed }${h}%{ endfor }")]
    [InlineData("%{ for h in hosts }%{ for s in mixed }%{ if s == h }x%{ endif }%{ endfor }%{ endfor }")]
    public void Evaluate_SensitiveCollectionConditionOrElement_YieldsSensitiveResult(string template) =>
        Assert.True(Render(template).IsSensitive, template);

    [Fact]
    public void Evaluate_SensitiveLoop_KeepsRealTextBehindMark()
    {
        var value = Render("%{ for h in secret_list }<${h}>%{ endfor }");
        Assert.Equal("<x>", value.AsString());
        Assert.Equal("(sensitive)", value.ToDisplayString());
    }

    [Theory]
    [InlineData("%{ for h in hosts }${h}%{ endfor }")]
    [InlineData("%{ for h in mixed }-%{ endfor }")]
    [InlineData("%{ if flag }a%{ endif }")]
    public void Evaluate_PlainDirectives_StayPlain(string template) =>
        Assert.False(Render(template).ContainsSensitive, template);

    [Fact]
    public void Of_LoopBody_CollectsReferencesButNotLoopVariables() =>
        Assert.Equal(
            ["var.hosts", "var.domain", "var.i", "web[var.i].name", "var.i"],
            References.Of(ParseTemplate("%{ for h in var.hosts }${h.name}.${var.domain} ${h[var.i]}${web[var.i].name}%{ endfor }")).Select(r => r.ToString()));

    [Fact]
    public void Of_LoopVariableOutsideItsBody_IsAReference() =>
        Assert.Equal(
            ["xs", "k", "v", "count.index"],
            References.Of(ParseTemplate("%{ for k, v in xs }${k}${v}%{ endfor }${k}${v}%{ if true }${count.index}%{ endif }")).Select(r => r.ToString()));

    [Fact]
    public void Of_NestedLoops_ScopeEachVariableToItsBody() =>
        Assert.Equal(
            ["xs", "ys", "y"],
            References.Of(ParseTemplate("%{ for x in xs }%{ for y in ys }${x}${y}%{ endfor }${x}${y}%{ endfor }")).Select(r => r.ToString()));

    [Fact]
    public void Infer_LoopVariable_IsTypedFromTheCollectionNotTheCaller()
    {
        var asked = new List<string>();
        var diagnostics = new DiagnosticBag();
        TypeChecker.Infer(
            Parse("\"%{ for x in [[1]] }${x}%{ endfor }%{ for k, v in m }${k}${v.a}%{ endfor }\""),
            reference =>
            {
                asked.Add(reference.Root);
                return BatonType.MapOf(BatonType.MapOf(BatonType.String));
            },
            diagnostics);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("cannot interpolate a list into a string", diagnostic.Message);
        Assert.Equal(["m"], asked);
    }

    [Theory]
    [InlineData("\"%{ for c in \"abc\" }${c}%{ endfor }\"", "\"%{ for }\" needs a list or a map, not a string")]
    [InlineData("\"%{ if 1 }a%{ endif }\"", "the condition of \"%{ if }\" needs a bool, not the number 1")]
    [InlineData("\"%{ if true }${[1]}%{ endif }\"", "cannot interpolate a list into a string")]
    public void Infer_DirectiveMismatch_IsReported(string text, string message)
    {
        var diagnostics = new DiagnosticBag();
        Assert.Equal(BatonType.String, TypeChecker.Infer(Parse(text), _ => BatonType.Any, diagnostics));
        Assert.Equal(message, Assert.Single(diagnostics).Message);
    }

    [Theory]
    [InlineData("%{ for i, h in hosts ~}\n  ${h}\n%{~ endfor }!", "%{ for i, h in hosts }${h}%{ endfor }!")]
    [InlineData("%{if flag}a%{else}b%{endif}", "%{ if flag }a%{ else }b%{ endif }")]
    [InlineData("%{ if flag }a%{ else }%{ endif }", "%{ if flag }a%{ endif }")]
    [InlineData("a %%{ b %{ if c }%%{%{ endif }", "a %%{ b %{ if c }%%{%{ endif }")]
    public void PrintTemplate_Directives_AreCanonical(string text, string expected) =>
        Assert.Equal(expected, ExpressionPrinter.PrintTemplate(ParseTemplate(text)));

    [Fact]
    public void Print_DirectiveInQuotedString_IsCanonical() =>
        Assert.Equal("upper(\"%{ for k, v in m }${k}\\n%{ endfor }\")", Printed("upper(\"%{for k,v in m}${k}\\n%{endfor}\")"));

    [Fact]
    public void PrintTemplate_TextEndingInPercentBeforeDirective_IsInterpolatedAndReadsBack()
    {
        var span = ExpressionGenerators.Span;
        var tree = new TemplateExpression(
        [
            new LiteralExpression(Str("50%")) { Span = span },
            new IfTemplateExpression(new VariableExpression("flag") { Span = span }, [new LiteralExpression(Str("x%")) { Span = span }], []) { Span = span },
        ]) { Span = span };

        var text = ExpressionPrinter.PrintTemplate(tree);

        Assert.Equal("${\"50%\"}%{ if flag }${\"x%\"}%{ endif }", text);
        Assert.True(ExpressionComparer.Instance.Equals(tree, ParseTemplate(text)), Dump(ParseTemplate(text)));
    }

    [Fact]
    public void Equals_DirectivesDifferingInOnePlace_AreNotEqual()
    {
        var loop = ParseTemplate("%{ for k, v in m }${v}%{ endfor }");
        Assert.True(ExpressionComparer.Instance.Equals(loop, ParseTemplate("%{for k, v in m}${v}%{endfor}")));
        Assert.False(ExpressionComparer.Instance.Equals(loop, ParseTemplate("%{ for v in m }${v}%{ endfor }")));
        Assert.False(ExpressionComparer.Instance.Equals(loop, ParseTemplate("%{ for k, w in m }${v}%{ endfor }")));
        Assert.False(ExpressionComparer.Instance.Equals(loop, ParseTemplate("%{ for k, v in n }${v}%{ endfor }")));
        Assert.False(ExpressionComparer.Instance.Equals(ParseTemplate("%{ if a }x%{ endif }"), ParseTemplate("%{ if a }%{ else }x%{ endif }")));
    }

    [Fact]
    public void Children_Directives_IncludeHeaderAndBodies()
    {
        var template = (TemplateExpression)ParseTemplate("%{ for h in xs }${h}%{ if c }a%{ else }b%{ endif }%{ endfor }");
        var loop = (ForTemplateExpression)template.Parts[0];
        Assert.Equal(["(var xs)", "(var h)", "(%if (var c) [(lit String \"a\")] [(lit String \"b\")])"], Syntax.Children(loop).Select(Dump));
        Assert.Equal(3, Syntax.Children(loop.Body[1]).Count());
        Assert.Empty(((IfTemplateExpression)((TemplateExpression)ParseTemplate("%{ if c }%{ endif }")).Parts[0]).Then);
    }
}
