namespace Baton.Metrics;

/// <summary>The type a <c># TYPE</c> line gives a metric family in the Prometheus text format.</summary>
public enum MetricType
{
    /// <summary>No <c># TYPE</c> line, or <c>untyped</c>.</summary>
    Untyped,

    /// <summary>A value that only goes up, except when the process restarts.</summary>
    Counter,

    /// <summary>A value that goes up and down.</summary>
    Gauge,

    /// <summary>Buckets (<c>_bucket</c> with an <c>le</c> label), <c>_sum</c> and <c>_count</c>.</summary>
    Histogram,

    /// <summary>Quantiles (the bare name with a <c>quantile</c> label), <c>_sum</c> and <c>_count</c>.</summary>
    Summary,
}
