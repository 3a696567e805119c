using System.Collections.Immutable;
using Baton.Metrics;
using CsCheck;

namespace Baton.Libraries.Tests.Scaling.Metrics;

public sealed class PrometheusTextPropertyTests
{
    private static readonly Gen<string> Letters = Gen.Char["abcdefghijklmnopqrstuvwxyz_"].Array[1, 6].Select(c => new string(c));

    /// <summary>Any text, weighted towards the characters the format escapes.</summary>
    private static readonly Gen<string> Texts = Gen.Frequency(
        (3, Gen.Char["\\\"\n {}=,#ab é"]),
        (1, Gen.Char)).Array[0, 12].Select(c => new string(c));

    private static readonly Gen<double> Values = Gen.Frequency(
        (6, Gen.Double),
        (1, Gen.Const(double.NaN)),
        (1, Gen.Const(double.PositiveInfinity)),
        (1, Gen.Const(double.NegativeInfinity)),
        (2, Gen.Int.Select(i => (double)i)));

    private static readonly Gen<long?> Timestamps = Gen.Frequency(
        (2, Gen.Const((long?)null)),
        (1, Gen.Long.Select(l => (long?)l)));

    private static Gen<ImmutableArray<MetricLabel>> Labels =>
        Gen.Select(Letters, Texts).Array[0, 4].Select(pairs =>
            pairs.DistinctBy(p => p.Item1).Select(p => new MetricLabel { Name = p.Item1, Value = p.Item2 }).ToImmutableArray());

    private static Gen<MetricSample> Samples(string name) =>
        Gen.Select(Labels, Values, Timestamps, (labels, value, timestamp) =>
            new MetricSample { Name = name, Labels = labels, Value = value, TimestampMs = timestamp });

    private static Gen<MetricFamily> Family(int index) =>
        Gen.Select(Letters, Gen.Enum<MetricType>(), Gen.Frequency((1, Gen.Const((string?)null)), (3, Texts.Select(t => (string?)t.TrimStart(' ', '\t')))))
            .SelectMany(t =>
            {
                var (letters, type, help) = t;
                var name = $"m{index}x{letters}";
                string[] names = type switch
                {
                    MetricType.Histogram => [name + "_bucket", name + "_sum", name + "_count"],
                    MetricType.Summary => [name, name + "_sum", name + "_count"],
                    _ => [name],
                };
                return Gen.Int[0, names.Length - 1].Select(i => names[i]).SelectMany(Samples).Array[0, 5].Select(samples =>
                    new MetricFamily { Name = name, Type = type, Help = help, Samples = [.. samples] });
            });

    /// <summary>Up to five families; the index in each name keeps one family's suffixed names from meeting another's.</summary>
    private static readonly Gen<MetricFamily[]> Families =
        Gen.Int[0, 5].SelectMany(n => Enumerable.Range(0, n).Aggregate(
            Gen.Const(ImmutableList<MetricFamily>.Empty),
            (list, index) => list.SelectMany(families => Family(index).Select(families.Add))))
        .Select(list => list.ToArray());

    [Fact]
    public void Parse_RenderedFamilies_RoundTrips()
    {
        Families.Sample(families =>
        {
            var text = PrometheusText.Render(families);

            var result = PrometheusText.Parse(text, text.Length);

            Assert.True(result.IsSuccess, string.Join("\n", result.Errors) + "\n" + text);
            Assert.Equal(families.Length, result.Families.Length);
            for (var f = 0; f < families.Length; f++)
            {
                var expected = families[f];
                var actual = result.Families[f];
                Assert.Equal((expected.Name, expected.Type, expected.Help), (actual.Name, actual.Type, actual.Help));
                Assert.Equal(expected.Samples.Length, actual.Samples.Length);
                for (var s = 0; s < expected.Samples.Length; s++)
                {
                    var e = expected.Samples[s];
                    var a = actual.Samples[s];
                    Assert.Equal(e.Name, a.Name);
                    Assert.Equal(e.Labels.ToArray(), a.Labels.ToArray());
                    Assert.Equal(e.Value, a.Value);
                    Assert.Equal(e.TimestampMs, a.TimestampMs);
                }
            }
        }, iter: 300, print: PrometheusText.Render);
    }

    [Fact]
    public void Parse_AnyText_NeverThrowsAndErrorsPointInsideTheInput()
    {
        Gen.Frequency((3, Gen.Char["x{}=\",\\ #\n1.eE+-NaIf\r\t"]), (1, Gen.Char)).Array[0, 60].Select(c => new string(c)).Sample(text =>
        {
            var result = PrometheusText.Parse(text, 1000);

            var lines = text.Split('\n');
            foreach (var error in result.Errors)
            {
                Assert.InRange(error.Line, 1, lines.Length);
                Assert.InRange(error.Column, 1, lines[error.Line - 1].Length + 1);
            }
        }, iter: 1000);
    }
}
