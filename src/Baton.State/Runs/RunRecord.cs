using Baton.Values;

namespace Baton.Runs;

/// <summary>One run of a workflow, as the run store keeps it.</summary>
public sealed record RunRecord
{
    /// <summary>The run's id (unique across stacks).</summary>
    public required string Id { get; init; }

    /// <summary>The stack the workflow belongs to.</summary>
    public required string Stack { get; init; }

    /// <summary>The workflow's name.</summary>
    public required string Workflow { get; init; }

    /// <summary>Where the run is.</summary>
    public RunStatus Status { get; init; } = RunStatus.Pending;

    /// <summary>The run's inputs, a map (sensitive parts marked; encrypted at rest).</summary>
    public Value Inputs { get; init; } = Value.EmptyMap;

    /// <summary>The workflow's outputs once it succeeded, a map.</summary>
    public Value? Outputs { get; init; }

    /// <summary>Why it failed or was cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>What started it: <c>manual</c>, <c>schedule</c>, <c>event:apply_succeeded</c>, <c>webhook</c>, <c>retry</c>, <c>workflow</c>.</summary>
    public required string Trigger { get; init; }

    /// <summary>The run this one is a sub-workflow of.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>The step of the parent run that started this one.</summary>
    public string? ParentStep { get; init; }

    /// <summary>
    /// The definition the run executes, fixed when it starts (the stack files' texts, as JSON), so a run resumed after
    /// the files changed goes on with what it started with.
    /// </summary>
    public required string Definition { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How many events its history holds.</summary>
    public long EventCount { get; init; }

    /// <summary>The worker that holds the run (null when none).</summary>
    public string? Owner { get; init; }

    /// <summary>When the owner's lease ends unless renewed.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Whether the run has finished.</summary>
    public bool IsFinished => Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled;
}
