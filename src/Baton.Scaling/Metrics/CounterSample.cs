namespace Baton.Metrics;

/// <summary>The value of a counter at one moment.</summary>
public sealed record CounterSample
{
    /// <summary>When the counter was read.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The counter's value.</summary>
    public required double Value { get; init; }
}
