namespace Baton.Metrics;

/// <summary>One <c>name="value"</c> pair of a sample, the value unescaped.</summary>
public sealed record MetricLabel
{
    /// <summary>The label name, such as <c>method</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The label value with <c>\\</c>, <c>\"</c> and <c>\n</c> already turned into the characters they stand for.</summary>
    public required string Value { get; init; }
}
