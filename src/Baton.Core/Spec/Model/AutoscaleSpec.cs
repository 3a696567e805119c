using Baton.Expressions;

namespace Baton.Spec.Model;

/// <summary>Target tracking of a resource's replicas on a metric.</summary>
public sealed record AutoscaleSpec
{
    /// <summary>The fewest replicas.</summary>
    public required Expression Min { get; init; }

    /// <summary>The most replicas.</summary>
    public required Expression Max { get; init; }

    /// <summary>The metric tracked: cpu, memory, rps or a custom metric name.</summary>
    public required string Metric { get; init; }

    /// <summary>The value of the metric per replica to hold.</summary>
    public required Expression Target { get; init; }

    /// <summary>The least time between two scale-outs.</summary>
    public TimeSpan? ScaleOutCooldown { get; init; }

    /// <summary>The least time between two scale-ins.</summary>
    public TimeSpan? ScaleInCooldown { get; init; }

    /// <summary>The window over which the metric is averaged.</summary>
    public TimeSpan? Window { get; init; }
}
