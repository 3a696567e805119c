using Baton.Values;
using CsCheck;

namespace Baton.State.Tests.Contract;

/// <summary>Random values for property tests: awkward numbers, strings and keys, sensitive leaves and subtrees.</summary>
public static class ValueGenerators
{
    private static readonly Gen<char> SafeChar = Gen.Char.Where(c => !char.IsSurrogate(c));

    public static Gen<string> Text { get; } = Gen.OneOf(
        Gen.String[SafeChar, 0, 12],
        Gen.String[Gen.Char["ab$/~\"\\\n\u00e9\u0000"], 0, 6],
        Gen.OneOf("", "$sensitive", "$$sensitive", "$", "$$", "plaintext", "😀", "a\u0000b", "<>&'", "\u2028", "null"));

    public static Gen<double> Number { get; } = Gen.OneOf(
        Gen.Double.Where(double.IsFinite),
        Gen.Long.Select(l => (double)l),
        Gen.Int.Select(i => (double)i),
        Gen.OneOf(1e300, -1e300, 0.1, -0.0, 0.0, 9007199254740993.0, 9007199254740992.0, long.MaxValue, double.MaxValue, double.MinValue, double.Epsilon, 1e-310, 123456789.123456789));

    public static Gen<Value> Leaf { get; } = Gen.OneOf(
        Gen.Const(Value.Null),
        Gen.Bool.Select(Value.Bool),
        Number.Select(Value.Number),
        Text.Select(Value.String));

    /// <summary>A map (the shape of inputs, attributes and outputs).</summary>
    public static Gen<Value> Map { get; } = Gen.Select(Text, AnyValue(2)).Array[0, 5].Select(entries =>
        Value.Map(entries.Select(e => KeyValuePair.Create(e.Item1, e.Item2))));

    /// <summary>A value of at most <paramref name="depth"/> levels of lists and maps.</summary>
    public static Gen<Value> AnyValue(int depth = 3)
    {
        var plain = depth == 0
            ? Leaf
            : Gen.Frequency(
                (3, Leaf),
                (1, AnyValue(depth - 1).Array[0, 4].Select(items => Value.List(items))),
                (1, Gen.Select(Text, AnyValue(depth - 1)).Array[0, 4].Select(entries =>
                    Value.Map(entries.Select(e => KeyValuePair.Create(e.Item1, e.Item2))))));
        return Gen.Select(plain, Gen.Int[0, 5], (value, roll) => roll == 0 ? value.AsSensitive() : value);
    }
}
