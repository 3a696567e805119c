using System.Collections.Immutable;
using System.Text;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Values;
using CsCheck;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionGenerators;

namespace Baton.Libraries.Tests.Language.Expressions;

/// <summary>
/// Random templates of text, interpolations, <c>%{ for }</c> and <c>%{ if }</c>: printing then parsing gives the same
/// tree, and the evaluator renders what a reference renderer written here renders.
/// </summary>
public sealed class TemplateDirectivePropertyTests
{
    private static readonly ImmutableDictionary<string, Value> Roots = new Dictionary<string, Value>
    {
        ["xs"] = Value.List(Value.String("a"), Value.String("b c"), Value.String(string.Empty)),
        ["ns"] = Value.List(Value.Number(1), Value.Number(2.5)),
        ["m"] = Value.Map([KeyValuePair.Create("k2", Value.String("v2")), KeyValuePair.Create("k1", Value.String("v1"))]),
        ["empty"] = Value.EmptyList,
        ["t"] = Value.True,
        ["f"] = Value.False,
        ["s"] = Value.String("str"),
    }.ToImmutableDictionary();

    private static readonly EvaluationScope Scope = new(Roots);

    /// <summary>Loop variable names; <c>s</c> hides the root of that name.</summary>
    private static readonly string[] LoopNames = ["x", "y", "k", "s"];

    private static readonly Gen<string> Text = Gen.Char[" \n\tab$%{}~\"\\é"].Array[0, 6].Select(a => new string(a));

    /// <summary>Text without the characters that escape or open something, to write around strip markers.</summary>
    private static readonly Gen<string> Plain = Gen.Char[" \n\tab~\"\\é}"].Array[0, 6].Select(a => new string(a));

    private static LiteralExpression Lit(Value value) => new(value) { Span = Span };

    private static VariableExpression Var(string name) => new(name) { Span = Span };

    /// <summary>Template parts whose interpolations read the roots and the loop variables in <paramref name="locals"/>.</summary>
    private static Gen<Expression> Part(int depth, ImmutableArray<string> locals)
    {
        var scalar = Gen.OneOf(
            Text.Select(t => (Expression)Lit(Value.String(t))),
            Gen.Int[-3, 3].Select(i => (Expression)Lit(Value.Number(i))),
            Gen.Bool.Select(b => (Expression)Lit(Value.Bool(b))),
            Gen.Const((Expression)Var("s")));
        var interpolation = locals.IsEmpty ? scalar : Gen.OneOf(scalar, Gen.OneOf([.. locals]).Select(n => (Expression)Var(n)), Gen.OneOf([.. locals]).Select(n => (Expression)Var(n)));
        var text = Text.Select(t => (Expression)Lit(Value.String(t)));
        if (depth == 0)
        {
            return Gen.OneOf(text, interpolation);
        }

        return Gen.Frequency((3, text), (3, interpolation), (2, For(depth, locals)), (2, If(depth, locals)));
    }

    private static Gen<ImmutableArray<Expression>> Parts(int depth, ImmutableArray<string> locals) =>
        Part(depth, locals).Array[0, 4].Select(a => a.ToImmutableArray());

    private static Gen<Expression> For(int depth, ImmutableArray<string> locals)
    {
        var collection = Gen.OneOf(
            Gen.OneOf("xs", "ns", "m", "empty").Select(n => (Expression)Var(n)),
            Text.Array[0, 3].Select(items => (Expression)new ListExpression([.. items.Select(i => (Expression)Lit(Value.String(i)))]) { Span = Span }));
        var names = Gen.Select(Gen.Bool, Gen.OneOf(LoopNames), Gen.OneOf(LoopNames))
            .Where(n => !n.Item1 || n.Item2 != n.Item3)
            .Select(n => (Key: n.Item1 ? n.Item2 : null, Value: n.Item3));
        return Gen.Select(names, collection).SelectMany(header =>
        {
            var (loopNames, over) = header;
            var inner = loopNames.Key is null ? locals.Add(loopNames.Value) : locals.Add(loopNames.Key).Add(loopNames.Value);
            return Parts(depth - 1, inner).Select(body => (Expression)new ForTemplateExpression(loopNames.Key, loopNames.Value, over, body) { Span = Span });
        });
    }

    private static Gen<Expression> If(int depth, ImmutableArray<string> locals)
    {
        var condition = locals.IsEmpty
            ? Gen.OneOf(Gen.Const((Expression)Var("t")), Gen.Const((Expression)Var("f")), Gen.Bool.Select(b => (Expression)Lit(Value.Bool(b))))
            : Gen.OneOf(
                Gen.Const((Expression)Var("t")),
                Gen.Const((Expression)Var("f")),
                Gen.Select(Gen.OneOf([.. locals]), Gen.OneOf("a", "v1", "1", "k2"), (name, text) =>
                    (Expression)new BinaryExpression(BinaryOperator.Equal, Var(name), Lit(Value.String(text))) { Span = Span }));
        return Gen.Select(condition, Parts(depth - 1, locals), Parts(depth - 1, locals), (c, then, otherwise) =>
            (Expression)new IfTemplateExpression(c, then, otherwise) { Span = Span });
    }

    /// <summary>Templates with at least one directive, so that they stay templates when parsed back.</summary>
    private static readonly Gen<TemplateExpression> Templates =
        Gen.Select(Parts(3, []), Gen.OneOf(For(3, []), If(3, [])), Parts(3, []), (before, directive, after) =>
            new TemplateExpression([.. before, directive, .. after]) { Span = Span });

    private static string Print(TemplateExpression template) => ExpressionPrinter.PrintTemplate(template);

    [Fact]
    public void PrintTemplateThenParseTemplate_AnyDirectiveTree_GivesEqualTree() =>
        Templates.Sample(
            template =>
            {
                var text = ExpressionPrinter.PrintTemplate(template);
                var diagnostics = new DiagnosticBag();
                var parsed = ExpressionParser.ParseTemplate(text, ExpressionTestHelpers.Origin(text), diagnostics);
                Assert.True(diagnostics.Count == 0, $"{text}: {string.Join("; ", diagnostics.Select(d => d.Message))}");
                Assert.True(ExpressionComparer.Instance.Equals(template, parsed), $"{text}\n{ExpressionTestHelpers.Dump(template)}\n{ExpressionTestHelpers.Dump(parsed)}");
            },
            iter: 2000,
            print: Print);

    [Fact]
    public void PrintThenParse_AnyDirectiveTreeAsQuotedString_GivesEqualTree() =>
        Templates.Sample(
            template =>
            {
                var text = ExpressionPrinter.Print(template);
                var diagnostics = new DiagnosticBag();
                var parsed = ExpressionParser.ParseExpression(text, ExpressionTestHelpers.Origin(text), diagnostics);
                Assert.True(diagnostics.Count == 0, $"{text}: {string.Join("; ", diagnostics.Select(d => d.Message))}");
                Assert.True(ExpressionComparer.Instance.Equals(template, parsed), $"{text}\n{ExpressionTestHelpers.Dump(template)}\n{ExpressionTestHelpers.Dump(parsed)}");
            },
            iter: 1000,
            print: Print);

    [Fact]
    public void Evaluate_AnyDirectiveTree_RendersAsTheReferenceRenderer() =>
        Templates.Sample(
            template =>
            {
                var expected = Render(template.Parts, Roots);
                var diagnostics = new DiagnosticBag();
                Assert.Equal(Value.String(expected), Evaluator.Evaluate(template, Scope, diagnostics));
                Assert.Empty(diagnostics);

                var text = ExpressionPrinter.PrintTemplate(template);
                var parsed = ExpressionParser.ParseTemplate(text, ExpressionTestHelpers.Origin(text), diagnostics);
                Assert.Equal(Value.String(expected), Evaluator.Evaluate(parsed, Scope, diagnostics));
                Assert.Empty(diagnostics);
            },
            iter: 2000,
            print: Print);

    [Fact]
    public void Evaluate_StripMarkers_TrimTheTextBesideThemAsTrimDoes() =>
        Gen.Select(Plain, Plain, Plain, Plain, Gen.Bool).Sample(
            (a, b, c, d, condition) =>
            {
                var text = $"{a}%{{~ if {(condition ? "t" : "f")} ~}}{b}%{{~ else ~}}{c}%{{~ endif ~}}{d}${{~ s }}{d}";
                var diagnostics = new DiagnosticBag();
                var value = Evaluator.Evaluate(ExpressionParser.ParseTemplate(text, ExpressionTestHelpers.Origin(text), diagnostics), Scope, diagnostics);
                Assert.Empty(diagnostics);
                var expected = a.TrimEnd() + (condition ? b : c).Trim() + d.Trim() + "str" + d;
                Assert.Equal(expected, value.AsString());
            },
            iter: 1000);

    /// <summary>The reference renderer: the language's rules for these trees, written out plainly.</summary>
    private static string Render(ImmutableArray<Expression> parts, ImmutableDictionary<string, Value> variables)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            switch (part)
            {
                case ForTemplateExpression loop:
                    var collection = ValueOf(loop.Collection, variables);
                    var entries = collection.Kind == ValueKind.Map
                        ? collection.AsMap().OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (Key: Value.String(e.Key), e.Value)).ToList()
                        : collection.AsList().Select((item, index) => (Key: Value.Number(index), Value: item)).ToList();
                    foreach (var (key, item) in entries)
                    {
                        var inner = variables.SetItem(loop.ValueName, item);
                        builder.Append(Render(loop.Body, loop.KeyName is null ? inner : variables.SetItem(loop.KeyName, key).SetItem(loop.ValueName, item)));
                    }

                    break;
                case IfTemplateExpression branch:
                    builder.Append(Render(ValueOf(branch.Condition, variables).AsBool() ? branch.Then : branch.Else, variables));
                    break;
                default:
                    builder.Append(ValueOf(part, variables) switch
                    {
                        { Kind: ValueKind.Bool } b => b.AsBool() ? "true" : "false",
                        { Kind: ValueKind.Number } n => Value.FormatNumber(n.AsNumber()),
                        var s => s.AsString(),
                    });
                    break;
            }
        }

        return builder.ToString();
    }

    private static Value ValueOf(Expression expression, ImmutableDictionary<string, Value> variables) => expression switch
    {
        LiteralExpression literal => literal.Value,
        VariableExpression variable => variables[variable.Name],
        ListExpression list => Value.List(list.Items.Select(i => ValueOf(i, variables))),
        BinaryExpression { Operator: BinaryOperator.Equal } equal => Value.Bool(ValueOf(equal.Left, variables).Equals(ValueOf(equal.Right, variables))),
        _ => throw new InvalidOperationException($"the generator made {expression.GetType().Name}"),
    };
}
