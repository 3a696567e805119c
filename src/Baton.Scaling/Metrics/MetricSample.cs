using System.Collections.Immutable;

namespace Baton.Metrics;

/// <summary>One sample line: <c>name{label="value",…} value [timestamp]</c>.</summary>
public sealed record MetricSample
{
    /// <summary>The name on the line, suffix included (<c>http_request_duration_seconds_bucket</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The labels in the order they appear on the line.</summary>
    public required ImmutableArray<MetricLabel> Labels { get; init; }

    /// <summary>The value; may be NaN or ±infinity.</summary>
    public required double Value { get; init; }

    /// <summary>Milliseconds since the Unix epoch, when the line carries a timestamp.</summary>
    public long? TimestampMs { get; init; }

    /// <summary>The line of the input the sample came from (1-based); 0 for a sample built in code.</summary>
    public int Line { get; init; }

    /// <summary>
    /// The value of the label <paramref name="name"/>, or the empty string when the sample has no such label:
    /// in Prometheus an absent label and an empty one are the same.
    /// </summary>
    public string Label(string name)
    {
        foreach (var label in Labels)
        {
            if (label.Name == name)
            {
                return label.Value;
            }
        }

        return "";
    }

    /// <summary>
    /// Whether every pair of <paramref name="matchers"/> equals this sample's label of that name
    /// (a matcher with an empty value matches a sample without the label).
    /// </summary>
    public bool Matches(IReadOnlyDictionary<string, string>? matchers)
    {
        if (matchers is null)
        {
            return true;
        }

        foreach (var (name, value) in matchers)
        {
            if (Label(name) != value)
            {
                return false;
            }
        }

        return true;
    }
}
