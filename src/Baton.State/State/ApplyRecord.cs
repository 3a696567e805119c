namespace Baton.State;

/// <summary>One entry of a stack's apply history.</summary>
public sealed record ApplyRecord
{
    /// <summary>The apply's id.</summary>
    public required string Id { get; init; }

    /// <summary>The stack.</summary>
    public required string Stack { get; init; }

    /// <summary>Apply or destroy.</summary>
    public required ApplyKind Kind { get; init; }

    /// <summary>Who ran it.</summary>
    public required string Owner { get; init; }

    /// <summary>When it started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended, if it has.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How it ended.</summary>
    public ApplyStatus Status { get; init; } = ApplyStatus.Running;

    /// <summary>The state serial it started from.</summary>
    public required long SerialBefore { get; init; }

    /// <summary>The state serial it left.</summary>
    public long? SerialAfter { get; init; }

    /// <summary>Counts of what it did, such as <c>3 created, 1 updated, 0 deleted, 0 failed</c>.</summary>
    public string? Summary { get; init; }
}
