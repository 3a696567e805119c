using Baton.Values;

namespace Baton.Runs;

/// <summary>
/// One durable transition: an event appended to a run's history together with the new state of the step and of the
/// run it changes, all in one transaction, so the current state and the history never disagree.
/// </summary>
public sealed record RunTransition
{
    /// <summary>The event to append (its <see cref="RunEvent.Seq"/> is assigned by the store).</summary>
    public required RunEvent Event { get; init; }

    /// <summary>The step's new state (inserted or replaced by key), when the transition changes one.</summary>
    public StepRecord? Step { get; init; }

    /// <summary>The run's new status, when it changes.</summary>
    public RunStatus? RunStatus { get; init; }

    /// <summary>The run's outputs, set with a final status.</summary>
    public Value? RunOutputs { get; init; }

    /// <summary>The run's error, set with a final status.</summary>
    public string? RunError { get; init; }
}
