using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Values;
using CsCheck;
using static Baton.Libraries.Tests.Language.Expressions.ExpressionGenerators;

namespace Baton.Libraries.Tests.Language.Expressions;

public sealed class ExpressionPropertyTests
{
    private static Baton.Text.TextOrigin Origin(string text) => ExpressionTestHelpers.Origin(text);

    [Fact]
    public void PrintThenParse_AnyParsableTree_GivesEqualTreeWithoutDiagnostics() =>
        Parsable(4).Sample(
            expression =>
            {
                var text = ExpressionPrinter.Print(expression);
                var diagnostics = new DiagnosticBag();
                var parsed = ExpressionParser.ParseExpression(text, Origin(text), diagnostics);
                Assert.True(diagnostics.Count == 0, $"{text}: {string.Join("; ", diagnostics.Select(d => d.Message))}");
                Assert.True(ExpressionComparer.Instance.Equals(expression, parsed), $"{text}\n{ExpressionTestHelpers.Dump(expression)}\n{ExpressionTestHelpers.Dump(parsed)}");
            },
            iter: 3000,
            print: ExpressionPrinter.Print);

    [Fact]
    public void PrintTemplateThenParseTemplate_AnyParsableTreeOrTemplate_GivesEqualTree() =>
        Gen.OneOf(Parsable(3), Template(Parsable(2)), AnyText.Select(t => (Expression)new LiteralExpression(Value.String(t)) { Span = Span })).Sample(
            expression =>
            {
                var text = ExpressionPrinter.PrintTemplate(expression);
                var diagnostics = new DiagnosticBag();
                var parsed = ExpressionParser.ParseTemplate(text, Origin(text), diagnostics);
                Assert.True(diagnostics.Count == 0, $"{text}: {string.Join("; ", diagnostics.Select(d => d.Message))}");
                Assert.True(ExpressionComparer.Instance.Equals(expression, parsed), $"{text}\n{ExpressionTestHelpers.Dump(expression)}\n{ExpressionTestHelpers.Dump(parsed)}");
            },
            iter: 2000,
            print: ExpressionPrinter.PrintTemplate);

    [Fact]
    public void EvaluateAndCheck_ArbitraryTree_NeverThrows() =>
        Arbitrary(4).Sample(
            expression =>
            {
                var diagnostics = new DiagnosticBag();
                var value = Evaluator.Evaluate(expression, ArbitraryScope, diagnostics);
                Assert.NotNull(value);
                if (diagnostics.HasErrors)
                {
                    // An error leaves an unknown behind and never a made-up value.
                    Assert.All(diagnostics, d => Assert.NotNull(d.Span));
                }

                TypeChecker.Infer(expression, _ => BatonType.Any, new DiagnosticBag());
                _ = References.Of(expression).Count();
                _ = ExpressionPrinter.Print(expression);
                _ = ExpressionPrinter.PrintTemplate(expression);
            },
            iter: 3000,
            print: ExpressionPrinter.Print);

    [Fact]
    public void Parse_ArbitraryText_NeverThrowsAndCleanParsesRoundTrip() =>
        RandomText.Sample(
            text =>
            {
                foreach (var template in new[] { false, true })
                {
                    var diagnostics = new DiagnosticBag();
                    var expression = template
                        ? ExpressionParser.ParseTemplate(text, Origin(text), diagnostics)
                        : ExpressionParser.ParseExpression(text, Origin(text), diagnostics);
                    Assert.All(diagnostics, d => Assert.Equal("test.yaml", d.Span?.File));
                    Evaluator.Evaluate(expression, ArbitraryScope, new DiagnosticBag());
                    TypeChecker.Infer(expression, _ => BatonType.Any, new DiagnosticBag());
                    if (diagnostics.Count == 0)
                    {
                        var printed = template ? ExpressionPrinter.PrintTemplate(expression) : ExpressionPrinter.Print(expression);
                        var again = new DiagnosticBag();
                        var reparsed = template
                            ? ExpressionParser.ParseTemplate(printed, Origin(printed), again)
                            : ExpressionParser.ParseExpression(printed, Origin(printed), again);
                        Assert.Empty(again);
                        Assert.True(ExpressionComparer.Instance.Equals(expression, reparsed), $"{printed}\n{ExpressionTestHelpers.Dump(expression)}\n{ExpressionTestHelpers.Dump(reparsed)}");
                    }
                }
            },
            iter: 5000);

    /// <summary>
    /// If evaluation reads a sensitive root and succeeds, the result holds something sensitive. The trees leave out
    /// attribute, index and splat: picking a plain element out of a collection that also holds a secret rightly yields
    /// a plain value (see UnknownAndSensitiveTests for those rules).
    /// </summary>
    [Fact]
    public void Evaluate_ReadingSensitiveLeaf_YieldsSensitiveResult()
    {
        var checkedCount = 0;
        Mixing(4).Sample(
            expression =>
            {
                var scope = new RecordingScope();
                var diagnostics = new DiagnosticBag();
                var value = Evaluator.Evaluate(expression, scope, diagnostics);
                if (!diagnostics.HasErrors && scope.ReadSensitive)
                {
                    Interlocked.Increment(ref checkedCount);
                    Assert.True(value.ContainsSensitive, $"{ExpressionPrinter.Print(expression)} = {value}");
                }
            },
            iter: 4000,
            print: ExpressionPrinter.Print);
        Assert.True(checkedCount > 100, $"only {checkedCount} samples read a secret without errors");
    }

    private static Gen<Expression> Mixing(int depth)
    {
        var leaf = Gen.OneOf(
            Gen.OneOf(RecordingScope.Names).Select(n => (Expression)new VariableExpression(n) { Span = Span }),
            Gen.Int[-3, 3].Select(i => (Expression)new LiteralExpression(Value.Number(i)) { Span = Span }),
            Gen.Bool.Select(b => (Expression)new LiteralExpression(Value.Bool(b)) { Span = Span }));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Mixing(depth - 1);
        var functions = Gen.OneOf("max", "min", "abs", "tostring", "length", "coalesce", "concat", "keys", "tonumber", "format", "jsonencode", "contains");
        return Gen.Frequency(
            (3, leaf),
            (3, Gen.Select(Gen.Enum<BinaryOperator>(), inner, inner, (op, l, r) => (Expression)new BinaryExpression(op, l, r) { Span = Span })),
            (1, Gen.Select(Gen.Enum<UnaryOperator>(), inner, (op, e) => (Expression)new UnaryExpression(op, e) { Span = Span })),
            (2, Gen.Select(inner, inner, inner, (c, t, f) => (Expression)new ConditionalExpression(c, t, f) { Span = Span })),
            (1, inner.Array[1, 3].Select(a => (Expression)new ListExpression([.. a]) { Span = Span })),
            (1, Gen.Select(inner, inner).Array[1, 2].Select(a => (Expression)new MapExpression([.. a.Select(p => new MapEntry(p.Item1, p.Item2))]) { Span = Span })),
            (1, inner.Array[1, 3].Select(a => (Expression)new TemplateExpression([.. a]) { Span = Span })),
            (1, Gen.Select(inner, inner.Array[0, 2], inner.Array[0, 2], (c, t, f) =>
                (Expression)new TemplateExpression([new IfTemplateExpression(c, [.. t], [.. f]) { Span = Span }]) { Span = Span })),
            (3, Gen.Select(functions, inner.Array[1, 2], (n, a) => (Expression)new FunctionCallExpression(n, ImmutableArray.Create(a), Span) { Span = Span })));
    }

    /// <summary>A scope that notes whether a sensitive root was read; one per sample, as samples run in parallel.</summary>
    private sealed class RecordingScope : IEvaluationScope
    {
        public static readonly string[] Names = ["n", "t", "b", "u", "ub", "s", "st", "sb", "su", "sl"];

        private static readonly Dictionary<string, Value> Roots = new()
        {
            ["n"] = Value.Number(2),
            ["t"] = Value.String("7"),
            ["b"] = Value.True,
            ["u"] = Value.Unknown(BatonType.Number),
            ["ub"] = Value.Unknown(BatonType.Bool),
            ["s"] = Value.Number(5).AsSensitive(),
            ["st"] = Value.String("9").AsSensitive(),
            ["sb"] = Value.False.AsSensitive(),
            ["su"] = Value.Unknown(BatonType.Bool).AsSensitive(),
            ["sl"] = Value.List(Value.Number(1).AsSensitive()),
        };

        public bool ReadSensitive { get; private set; }

        public IExpressionHost Host => NoFileAccessHost.Instance;

        public bool TryGetRoot(string name, out Value value)
        {
            value = Roots[name];
            ReadSensitive |= value.ContainsSensitive;
            return true;
        }
    }
}
