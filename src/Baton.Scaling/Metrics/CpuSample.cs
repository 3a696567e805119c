namespace Baton.Metrics;

/// <summary>The CPU ticks (user + system) one process had used at one moment.</summary>
public sealed record CpuSample
{
    /// <summary>When the ticks were read.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The process's total CPU ticks, such as <see cref="ProcCpuTimes.TotalTicks"/>.</summary>
    public required long Ticks { get; init; }
}
