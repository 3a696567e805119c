using Baton.Values;

namespace Baton.Runs;

/// <summary>The current state of one step of a run (the history is in the run's events).</summary>
public sealed record StepRecord
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>The step's key: its id, or <c>id["item key"]</c> for one item of a <c>for_each</c> step.</summary>
    public required string Key { get; init; }

    /// <summary>Where the step is.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>The current (or last) attempt, from 1; 0 before the first.</summary>
    public int Attempt { get; init; }

    /// <summary>The step's outputs once it succeeded, a map (sensitive parts marked; encrypted at rest).</summary>
    public Value? Outputs { get; init; }

    /// <summary>The error of the last failed attempt.</summary>
    public string? Error { get; init; }

    /// <summary>When the first attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When its timer fires: the next retry, the end of a wait, an approval's expiry.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The order in which it completed among the run's steps (for compensation in reverse), 0 before.</summary>
    public long CompletedOrder { get; init; }
}
