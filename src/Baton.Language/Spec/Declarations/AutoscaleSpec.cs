using Baton.Expressions;

namespace Baton.Spec.Declarations;

/// <summary>Target tracking of a resource's replicas on a metric.</summary>
public sealed record AutoscaleSpec
{
    /// <summary>The fewest replicas.</summary>
    public required Expression Min { get; init; }

    /// <summary>The most replicas.</summary>
    public required Expression Max { get; init; }

    /// <summary>cpu, rps or prometheus.</summary>
    public required string Metric { get; init; }

    /// <summary>The metric's value per replica to keep.</summary>
    public required Expression Target { get; init; }

    /// <summary>The tolerance band around the target (default 0.1).</summary>
    public double? Tolerance { get; init; }

    /// <summary>rps: the stub_status URL (may use <c>var.*</c>).</summary>
    public Expression? Source { get; init; }

    /// <summary>prometheus: the metric's name (with optional labels).</summary>
    public string? Query { get; init; }

    /// <summary>prometheus: the metrics path on each replica (default /metrics).</summary>
    public string? Path { get; init; }

    /// <summary>How often to evaluate (default 1 s).</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>How long a replica leaves its dependents before it stops on scale-in (default 2 s).</summary>
    public TimeSpan? Drain { get; init; }

    /// <summary>Scale-out window (default 5 s).</summary>
    public TimeSpan? ScaleOutWindow { get; init; }

    /// <summary>Scale-out step limit (default none).</summary>
    public int? ScaleOutMaxStep { get; init; }

    /// <summary>Scale-in window (default 60 s).</summary>
    public TimeSpan? ScaleInWindow { get; init; }

    /// <summary>Scale-in step limit (default 1).</summary>
    public int? ScaleInMaxStep { get; init; }
}
