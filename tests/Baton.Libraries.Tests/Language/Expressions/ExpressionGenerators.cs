using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Values;
using CsCheck;

namespace Baton.Libraries.Tests.Language.Expressions;

/// <summary>Random expression trees and texts for the property tests.</summary>
internal static class ExpressionGenerators
{
    public static readonly SourceSpan Span = SourceSpan.OnLine("gen.yaml", 1, 1, 1);

    public static readonly Gen<string> Identifier =
        Gen.Select(Gen.Char["abexyzAE_é"], Gen.Char["abz019_-E"].Array[0, 4], (first, rest) => first + new string(rest))
            .Where(s => Syntax.IsIdentifier(s) && !Syntax.IsKeyword(s));

    public static readonly Gen<double> Number = Gen.OneOf(
        Gen.Int[-1000, 1000].Select(i => (double)i),
        Gen.Double.Where(double.IsFinite),
        Gen.OneOf(0.5, 1e15, 1e-7, 123456789012345678d, -2.5e300));

    /// <summary>Text with every character the syntax treats specially.</summary>
    public static readonly Gen<string> AnyText = Gen.Char["ab ${}\"\\\n\t\u0001é%~"].Array[0, 8].Select(a => new string(a));

    private static readonly Gen<Value> Scalar = Gen.OneOf(
        Number.Select(Value.Number),
        AnyText.Select(Value.String),
        Gen.Bool.Select(Value.Bool),
        Gen.Const(Value.Null));

    /// <summary>Trees the parser can produce, so printing and parsing must give them back.</summary>
    public static Gen<Expression> Parsable(int depth)
    {
        var leaf = Gen.OneOf(
            Scalar.Select(Literal),
            Identifier.Select(name => (Expression)new VariableExpression(name) { Span = Span }));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Parsable(depth - 1);
        var items = inner.Array[0, 3].Select(a => a.ToImmutableArray());
        return Gen.Frequency(
            (4, leaf),
            (2, Gen.Select(Gen.Enum<UnaryOperator>(), inner, (op, e) => (Expression)new UnaryExpression(op, e) { Span = Span })),
            (3, Gen.Select(Gen.Enum<BinaryOperator>(), inner, inner, (op, l, r) => (Expression)new BinaryExpression(op, l, r) { Span = Span })),
            (1, Gen.Select(inner, inner, inner, (c, t, f) => (Expression)new ConditionalExpression(c, t, f) { Span = Span })),
            (2, Gen.Select(inner, Gen.OneOf(Identifier, Gen.Const("true")), (t, n) => (Expression)new GetAttrExpression(t, n) { Span = Span })),
            (2, Gen.Select(inner, inner, (t, k) => (Expression)new IndexExpression(t, k) { Span = Span })),
            (1, Gen.Select(inner, Step(inner).Array[0, 3], (t, s) => (Expression)new SplatExpression(t, [.. s]) { Span = Span })),
            (2, Gen.Select(Identifier, items, (n, a) => (Expression)new FunctionCallExpression(n, a, Span) { Span = Span })),
            (1, items.Select(a => (Expression)new ListExpression(a) { Span = Span })),
            (1, Gen.Select(MapKey(inner), inner).Array[0, 3].Select(a => (Expression)new MapExpression([.. a.Select(p => new MapEntry(p.Item1, p.Item2))]) { Span = Span })),
            (1, Template(inner)));
    }

    private static Gen<Traversal> Step(Gen<Expression> inner) => Gen.OneOf(
        Identifier.Select(n => (Traversal)new AttributeTraversal(n)),
        Gen.OneOf(Number.Select(Value.Number), AnyText.Select(Value.String), Gen.Bool.Select(Value.Bool)).Select(v => (Traversal)new IndexTraversal(v)),
        inner.Where(k => k is not LiteralExpression).Select(k => (Traversal)new DynamicIndexTraversal(k)));

    private static Gen<Expression> MapKey(Gen<Expression> inner) => Gen.OneOf(
        AnyText.Select(t => (Expression)Literal(Value.String(t))),
        Identifier.Select(t => (Expression)Literal(Value.String(t))),
        inner);

    /// <summary>
    /// Templates with any parts, including empty and adjacent text parts, text ending in "$" or "%", and
    /// <c>%{ for }</c> and <c>%{ if }</c> directives over any expressions, which the printer must keep apart.
    /// </summary>
    public static Gen<Expression> Template(Gen<Expression> inner)
    {
        var part = Gen.OneOf(AnyText.Select(t => (Expression)Literal(Value.String(t))), inner);
        var body = part.Array[0, 3].Select(a => a.ToImmutableArray());
        var loop = Gen.Select(Gen.Bool, Identifier, Identifier, inner, body, (keyed, key, value, collection, parts) =>
            (Expression)new ForTemplateExpression(keyed && key != value ? key : null, value, collection, parts) { Span = Span });
        var branch = Gen.Select(inner, body, body, (condition, then, otherwise) => (Expression)new IfTemplateExpression(condition, then, otherwise) { Span = Span });
        return Gen.Frequency((6, part), (1, loop), (1, branch))
            .Array[1, 4]
            .Select(parts => (Expression)new TemplateExpression([.. parts]) { Span = Span });
    }

    /// <summary>Anything at all: unknown and sensitive literals, collections as literals, any function name and arity.</summary>
    public static Gen<Expression> Arbitrary(int depth)
    {
        var value = Gen.OneOf(
            Scalar,
            Scalar.Select(v => v.AsSensitive()),
            Gen.OneOf(Value.UnknownAny, Value.Unknown(BatonType.String), Value.Unknown(BatonType.ListOf(BatonType.Number)), Value.Unknown(BatonType.AnyMap)),
            Scalar.Array[0, 3].Select(a => Value.List(a)),
            Gen.Select(Identifier, Scalar).Array[0, 3].Select(a => Value.Map(a.Select(p => KeyValuePair.Create(p.Item1, p.Item2)))));
        var leaf = Gen.OneOf(
            value.Select(Literal),
            Gen.OneOf(RootNames).Select(name => (Expression)new VariableExpression(name) { Span = Span }));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Arbitrary(depth - 1);
        var functionName = Gen.OneOf(Gen.OneOf([.. FunctionLibrary.Names]), Identifier);
        var call = Gen.Select(functionName, inner.Array[0, 4], (n, a) => (Expression)new FunctionCallExpression(n, [.. a], Span) { Span = Span });
        return Gen.Frequency((3, Parsable(1)), (3, leaf), (4, call), (6, Parsable(depth).Select(e => e)), (3, Combine(inner)));
    }

    private static Gen<Expression> Combine(Gen<Expression> inner) => Gen.OneOf(
        Gen.Select(Gen.Enum<BinaryOperator>(), inner, inner, (op, l, r) => (Expression)new BinaryExpression(op, l, r) { Span = Span }),
        Gen.Select(inner, inner, inner, (c, t, f) => (Expression)new ConditionalExpression(c, t, f) { Span = Span }),
        Gen.Select(inner, inner, (t, k) => (Expression)new IndexExpression(t, k) { Span = Span }),
        Gen.Select(inner, Identifier, (t, n) => (Expression)new GetAttrExpression(t, n) { Span = Span }),
        Gen.Select(inner, Step(inner).Array[0, 2], (t, s) => (Expression)new SplatExpression(t, [.. s]) { Span = Span }),
        inner.Array[0, 3].Select(a => (Expression)new ListExpression([.. a]) { Span = Span }),
        Gen.Select(inner, inner).Array[0, 3].Select(a => (Expression)new MapExpression([.. a.Select(p => new MapEntry(p.Item1, p.Item2))]) { Span = Span }),
        Template(inner),
        Gen.Select(Gen.Enum<UnaryOperator>(), inner, (op, e) => (Expression)new UnaryExpression(op, e) { Span = Span }));

    public static readonly string[] RootNames = ["n", "s", "l", "m", "u", "secret", "nothing", "missing"];

    /// <summary>Roots of every kind for <see cref="Arbitrary"/> trees.</summary>
    public static EvaluationScope ArbitraryScope { get; } = new(
        new Dictionary<string, Value>
        {
            ["n"] = Value.Number(3),
            ["s"] = Value.String("5"),
            ["l"] = Value.List(Value.Number(1), Value.String("a"), Value.Null),
            ["m"] = Value.Map([KeyValuePair.Create("a", Value.Number(1)), KeyValuePair.Create("b", Value.List(Value.True))]),
            ["u"] = Value.UnknownAny,
            ["secret"] = Value.Map([KeyValuePair.Create("a", Value.String("x").AsSensitive())]).AsSensitive(),
            ["nothing"] = Value.Null,
        },
        new InMemoryFileHost(new Dictionary<string, string> { ["a"] = "${n}", ["b"] = "${template(\"b\")}" }));

    /// <summary>Fragments of expression syntax, joined at random into texts that are mostly almost valid.</summary>
    public static readonly Gen<string> SyntaxSoup = Gen.OneOf(
            "${", "$${", "}", "{", "\"", "(", ")", "[", "]", "[*]", ".", ",", " ", "\n", "=", "==", ":", "?", "!", "-", "+", "*", "/", "%",
            "&&", "||", "&", "<", ">=", "a", "b-c", "var", "1", "2.5", "1e", "1e999", "\\", "\\u12", "\\n", "join(", "format(\"%d\",",
            "true", "null", "é", "\t", "'", "@", "${x}", "\"${\"",
            "%{", "%%{", "~}", "${~", "%{~", " for ", "x in ", "if ", "%{ endfor }", "%{ endif }", "%{ else }", "%{ for x in [1] }", "%{ if true }")
        .Array[0, 30]
        .Select(parts => string.Concat(parts));

    public static readonly Gen<string> RandomText = Gen.OneOf(Gen.String, SyntaxSoup);

    private static LiteralExpression Literal(Value value) => new(value) { Span = Span };
}
