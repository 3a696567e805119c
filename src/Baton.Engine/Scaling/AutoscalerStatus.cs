using System.Collections.Immutable;

namespace Baton.Engine.Scaling;

/// <summary>An autoscaled resource as the autoscaler sees it now.</summary>
public sealed record AutoscalerStatus
{
    /// <summary>The resource address.</summary>
    public required string Address { get; init; }

    /// <summary>cpu, rps or prometheus.</summary>
    public required string Metric { get; init; }

    /// <summary>The target per replica.</summary>
    public required double Target { get; init; }

    /// <summary>The fewest replicas.</summary>
    public required int Min { get; init; }

    /// <summary>The most replicas.</summary>
    public required int Max { get; init; }

    /// <summary>The replicas now.</summary>
    public int Replicas { get; init; }

    /// <summary>The last reading of the metric per replica.</summary>
    public double? LastMetric { get; init; }

    /// <summary>The last decision's reason, or why the metric could not be read.</summary>
    public string? LastReason { get; init; }

    /// <summary>The last ten minutes of evaluations, oldest first.</summary>
    public ImmutableArray<ScalingSample> History { get; init; } = [];
}
