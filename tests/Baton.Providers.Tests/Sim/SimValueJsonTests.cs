using Baton.Values;
using CsCheck;

namespace Baton.Providers.Tests.Sim;

public sealed class SimValueJsonTests
{
    private static readonly string[] Pieces = ["a", "$", "\"", "\\", "\n", " ", "é", "😀", "\u0001"];

    private static readonly Gen<Value> Values = Gen.Int.Select(seed => Build(new Random(seed), 3));

    [Fact]
    public void ToJson_AnyValue_RoundTripsWithSensitiveMarks() =>
        Values.Sample(value =>
        {
            var back = ValueJson.Parse(ValueJson.ToJson(value, ValueJsonOptions.Inline), ValueJsonOptions.Inline);
            return back == value && SameMarks(value, back);
        });

    [Fact]
    public void PlainForm_TheOutputHashIsTakenOver_IgnoresSensitiveMarks() =>
        Values.Sample(value => ValueJson.ToJson(value, ValueJsonOptions.Plain) == ValueJson.ToJson(Unmarked(value), ValueJsonOptions.Plain));

    private static Value Unmarked(Value value) => value.WithoutSensitivity() switch
    {
        { Kind: ValueKind.List } list => Value.List(list.AsList().Select(Unmarked)),
        { Kind: ValueKind.Map } map => Value.Map(map.AsMap().Select(e => new KeyValuePair<string, Value>(e.Key, Unmarked(e.Value)))),
        var plain => plain,
    };

    private static bool SameMarks(Value left, Value right) =>
        left.IsSensitive == right.IsSensitive && left.Kind switch
        {
            ValueKind.List => left.AsList().Zip(right.AsList()).All(p => SameMarks(p.First, p.Second)),
            ValueKind.Map => left.AsMap().All(e => SameMarks(e.Value, right.AsMap()[e.Key])),
            _ => true,
        };

    private static Value Build(Random random, int depth)
    {
        var value = random.Next(depth > 0 ? 7 : 5) switch
        {
            0 => Value.Null,
            1 => Value.Bool(random.Next(2) == 0),
            2 => Value.Number(Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 17)), random.Next(0, 6))),
            3 => Value.String(string.Concat(Enumerable.Range(0, random.Next(6)).Select(_ => Pieces[random.Next(Pieces.Length)]))),
            4 => Value.String("$" + random.Next(100)),
            5 => Value.List(Enumerable.Range(0, random.Next(4)).Select(_ => Build(random, depth - 1))),
            _ => Value.Map(Enumerable.Range(0, random.Next(4)).Select(i => new KeyValuePair<string, Value>(random.Next(3) == 0 ? "$k" + i : "k" + i, Build(random, depth - 1)))),
        };
        return random.Next(6) == 0 ? value.AsSensitive() : value;
    }
}
