using System.Collections.Immutable;

namespace Baton.Metrics;

/// <summary>The outcome of <see cref="PrometheusText.Parse"/>: every family that could be read, and every bad line.</summary>
public sealed record PrometheusParseResult
{
    /// <summary>The families in the order they first appear.</summary>
    public required ImmutableArray<MetricFamily> Families { get; init; }

    /// <summary>One error per rejected line, in line order; empty when the whole input was valid.</summary>
    public required ImmutableArray<MetricsParseError> Errors { get; init; }

    /// <summary>Whether every line was valid.</summary>
    public bool IsSuccess => Errors.IsEmpty;

    /// <summary>
    /// Every sample named exactly <paramref name="sampleName"/> (suffix included, such as <c>x_count</c>) whose
    /// labels include <paramref name="matchers"/>, in input order.
    /// </summary>
    public ImmutableArray<MetricSample> Find(string sampleName, IReadOnlyDictionary<string, string>? matchers = null)
    {
        var found = ImmutableArray.CreateBuilder<MetricSample>();
        foreach (var family in Families)
        {
            foreach (var sample in family.Samples)
            {
                if (sample.Name == sampleName && sample.Matches(matchers))
                {
                    found.Add(sample);
                }
            }
        }

        return found.ToImmutable();
    }

    /// <summary>
    /// The sum of the values of <see cref="Find"/>, or null when no sample matches, so that a missing metric is
    /// not mistaken for a zero one.
    /// </summary>
    public double? Sum(string sampleName, IReadOnlyDictionary<string, string>? matchers = null)
    {
        var samples = Find(sampleName, matchers);
        return samples.IsEmpty ? null : samples.Sum(s => s.Value);
    }
}
