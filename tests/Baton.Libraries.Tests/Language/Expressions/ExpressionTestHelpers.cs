using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Text;
using Baton.Values;

namespace Baton.Libraries.Tests.Language.Expressions;

internal static class ExpressionTestHelpers
{
    /// <summary>Expressions in tests sit at line 3, column 10 of test.yaml, so spans show the mapping.</summary>
    public static TextOrigin Origin(string text) => TextOrigin.Verbatim("test.yaml", new SourcePosition(3, 10), text);

    public static Expression Parse(string text)
    {
        var diagnostics = new DiagnosticBag();
        var expression = ExpressionParser.ParseExpression(text, Origin(text), diagnostics);
        Assert.True(diagnostics.Count == 0, $"unexpected diagnostics for {text}: {string.Join("; ", diagnostics.Select(d => d.Message))}");
        return expression;
    }

    public static Expression ParseTemplate(string text)
    {
        var diagnostics = new DiagnosticBag();
        var expression = ExpressionParser.ParseTemplate(text, Origin(text), diagnostics);
        Assert.True(diagnostics.Count == 0, $"unexpected diagnostics for {text}: {string.Join("; ", diagnostics.Select(d => d.Message))}");
        return expression;
    }

    public static (Expression Expression, Diagnostic Diagnostic) ParseFailing(string text, bool template = false)
    {
        var diagnostics = new DiagnosticBag();
        var expression = template
            ? ExpressionParser.ParseTemplate(text, Origin(text), diagnostics)
            : ExpressionParser.ParseExpression(text, Origin(text), diagnostics);
        Assert.True(diagnostics.Count == 1, $"expected one diagnostic for {text}, got: {string.Join("; ", diagnostics.Select(d => d.Message))}");
        return (expression, diagnostics[0]);
    }

    public static string Printed(string text) => ExpressionPrinter.Print(Parse(text));

    public static EvaluationScope Scope(params (string Name, Value Value)[] roots) =>
        new(roots.Select(r => KeyValuePair.Create(r.Name, r.Value)));

    public static Value Eval(string text, EvaluationScope? scope = null)
    {
        var diagnostics = new DiagnosticBag();
        var value = Evaluator.Evaluate(Parse(text), scope ?? DefaultScope, diagnostics);
        Assert.True(diagnostics.Count == 0, $"unexpected diagnostics for {text}: {string.Join("; ", diagnostics.Select(d => d.Message))}");
        return value;
    }

    public static (Value Value, Diagnostic Diagnostic) EvalFailing(string text, EvaluationScope? scope = null)
    {
        var diagnostics = new DiagnosticBag();
        var value = Evaluator.Evaluate(Parse(text), scope ?? DefaultScope, diagnostics);
        Assert.True(diagnostics.Count == 1, $"expected one diagnostic for {text}, got: {string.Join("; ", diagnostics.Select(d => d.Message))}");
        return (value, diagnostics[0]);
    }

    public static Value Num(double n) => Value.Number(n);

    public static Value Str(string s) => Value.String(s);

    public static Value List(params Value[] items) => Value.List(items);

    public static Value Map(params (string Key, Value Value)[] entries) => Value.Map(entries.Select(e => KeyValuePair.Create(e.Key, e.Value)));

    /// <summary>
    /// var: replicas 3, name "shop", tags {env = "prod", team = "web"}, ports [80, 443], nothing null.
    /// secret: a sensitive string; later: an unknown string; web: two instances with names; site: map of url maps.
    /// </summary>
    public static EvaluationScope DefaultScope { get; } = Scope(
        ("var", Map(
            ("replicas", Num(3)),
            ("name", Str("shop")),
            ("tags", Map(("env", Str("prod")), ("team", Str("web")))),
            ("ports", List(Num(80), Num(443))),
            ("nothing", Value.Null),
            ("count_text", Str("5")))),
        ("secret", Str("hunter2").AsSensitive()),
        ("secret_number", Num(42).AsSensitive()),
        ("later", Value.Unknown(BatonType.String)),
        ("later_number", Value.Unknown(BatonType.Number)),
        ("later_bool", Value.Unknown(BatonType.Bool)),
        ("later_any", Value.UnknownAny),
        ("web", List(Map(("name", Str("web-0"))), Map(("name", Str("web-1"))))),
        ("site", Map(("eu", Map(("url", Str("https://eu")))), ("us", Map(("url", Str("https://us")))))));

    public static string Position(SourceSpan? span) => span is null ? "none" : $"{span.Start}-{span.End}";

    /// <summary>The tree as an S-expression of node kinds, to show where two trees differ.</summary>
    public static string Dump(Expression expression) => expression switch
    {
        LiteralExpression l => $"(lit {l.Value.Kind} {l.Value})",
        TemplateExpression t => $"(tpl {string.Join(" ", t.Parts.Select(Dump))})",
        ForTemplateExpression f => $"(for {f.KeyName ?? "-"} {f.ValueName} {Dump(f.Collection)} {string.Join(" ", f.Body.Select(Dump))})",
        IfTemplateExpression i => $"(%if {Dump(i.Condition)} [{string.Join(" ", i.Then.Select(Dump))}] [{string.Join(" ", i.Else.Select(Dump))}])",
        VariableExpression v => $"(var {v.Name})",
        GetAttrExpression g => $"(attr {Dump(g.Target)} {g.Name})",
        IndexExpression i => $"(index {Dump(i.Target)} {Dump(i.Key)})",
        SplatExpression s => $"(splat {Dump(s.Target)} {string.Join(" ", s.Steps.Select(st => st is DynamicIndexTraversal d ? $"[{Dump(d.Key)}]" : st.ToString()))})",
        FunctionCallExpression f => $"(call {f.Name} {string.Join(" ", f.Arguments.Select(Dump))})",
        UnaryExpression u => $"({u.Operator} {Dump(u.Operand)})",
        BinaryExpression b => $"({b.Operator} {Dump(b.Left)} {Dump(b.Right)})",
        ConditionalExpression c => $"(if {Dump(c.Condition)} {Dump(c.TrueResult)} {Dump(c.FalseResult)})",
        ListExpression l => $"(list {string.Join(" ", l.Items.Select(Dump))})",
        MapExpression m => $"(map {string.Join(" ", m.Entries.Select(e => $"{Dump(e.Key)}={Dump(e.Value)}"))})",
        _ => "?",
    };
}
