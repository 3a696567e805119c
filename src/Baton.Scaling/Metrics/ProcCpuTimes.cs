namespace Baton.Metrics;

/// <summary>The CPU fields of one <c>/proc/[pid]/stat</c> line.</summary>
public sealed record ProcCpuTimes
{
    /// <summary>The process id (field 1).</summary>
    public required int Pid { get; init; }

    /// <summary>The command name (field 2) without its parentheses; it may contain spaces and parentheses.</summary>
    public required string Comm { get; init; }

    /// <summary>The state letter (field 3), such as <c>R</c> or <c>S</c>.</summary>
    public required char State { get; init; }

    /// <summary>Clock ticks spent in user mode (field 14, <c>utime</c>).</summary>
    public required long UserTicks { get; init; }

    /// <summary>Clock ticks spent in kernel mode (field 15, <c>stime</c>).</summary>
    public required long SystemTicks { get; init; }

    /// <summary>Ticks after boot at which the process started (field 22), to tell a restarted process from the old one.</summary>
    public required long StartTicks { get; init; }

    /// <summary><see cref="UserTicks"/> + <see cref="SystemTicks"/>.</summary>
    public long TotalTicks => UserTicks + SystemTicks;
}
