using Baton.Values;

namespace Baton.Runs;

/// <summary>One entry of a run's append-only history: a transition of the run or of one of its steps.</summary>
public sealed record RunEvent
{
    /// <summary>Assigned by the store: 1, 2, 3… within the run.</summary>
    public long Seq { get; init; }

    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>
    /// What happened, dotted: <c>run.started</c>, <c>step.started</c>, <c>step.succeeded</c>, <c>step.failed</c>,
    /// <c>step.retry_scheduled</c>, <c>step.waiting_approval</c>, <c>step.approved</c>, <c>step.rejected</c>,
    /// <c>step.compensating</c>, <c>step.compensated</c>, <c>run.cancelled</c>, <c>run.succeeded</c>, <c>run.failed</c>;
    /// <c>step.process_started</c> (an <c>exec</c> attempt's process: <c>pid</c>, <c>start_ticks</c>) and
    /// <c>step.orphan_killed</c> (that process outlived its worker and was killed before the retry) or
    /// <c>step.orphan_alive</c> (it could not be killed: the step fails rather than run beside it).
    /// </summary>
    public required string Kind { get; init; }

    /// <summary>The step's key, when the event is about one.</summary>
    public string? Step { get; init; }

    /// <summary>The attempt, when the event is about one.</summary>
    public int Attempt { get; init; }

    /// <summary>Details, a map (sensitive parts marked; encrypted at rest).</summary>
    public Value Data { get; init; } = Value.EmptyMap;

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }
}
