using System.Collections.Immutable;

namespace Baton.Metrics;

/// <summary>
/// The samples of one metric, with its <c># HELP</c> and <c># TYPE</c>. A histogram's <c>_bucket</c>, <c>_sum</c>
/// and <c>_count</c> samples, and a summary's <c>_sum</c> and <c>_count</c>, belong to the family of the base name.
/// </summary>
public sealed record MetricFamily
{
    /// <summary>The base name, as on the <c># TYPE</c> line.</summary>
    public required string Name { get; init; }

    /// <summary>The declared type; <see cref="MetricType.Untyped"/> without a <c># TYPE</c> line.</summary>
    public required MetricType Type { get; init; }

    /// <summary>The unescaped docstring of the <c># HELP</c> line, if there is one.</summary>
    public string? Help { get; init; }

    /// <summary>The samples in input order.</summary>
    public required ImmutableArray<MetricSample> Samples { get; init; }
}
