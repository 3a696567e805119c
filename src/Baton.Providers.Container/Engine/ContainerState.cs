namespace Baton.Providers.Container.Engine;

/// <summary>A container's run state (<c>State</c> of an inspect). Times are null when the engine reports none (its zero time).</summary>
internal sealed record ContainerState
{
    /// <summary><c>created</c>, <c>running</c>, <c>paused</c>, <c>restarting</c>, <c>removing</c>, <c>exited</c> or <c>dead</c>.</summary>
    public required string Status { get; init; }

    public required bool Running { get; init; }

    /// <summary>The main process's pid on the engine's host; 0 when it does not run.</summary>
    public required int Pid { get; init; }

    public required int ExitCode { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }
}
