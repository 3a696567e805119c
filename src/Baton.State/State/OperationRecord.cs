using System.Collections.Immutable;

namespace Baton.State;

/// <summary>One provider operation of an apply, as the journal recorded it: when it started and ended, and how.</summary>
public sealed record OperationRecord
{
    /// <summary>The operation id (its idempotency key).</summary>
    public required string OperationId { get; init; }

    /// <summary>The resource address.</summary>
    public required string Address { get; init; }

    /// <summary>The resource type.</summary>
    public required string Type { get; init; }

    /// <summary>What was done.</summary>
    public required JournalAction Action { get; init; }

    /// <summary>The addresses it depended on.</summary>
    public ImmutableArray<string> Dependencies { get; init; } = [];

    /// <summary>When its intent was recorded (just before the provider call).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When its result was recorded; null while in flight or when a crash interrupted it.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How it ended; null while in flight.</summary>
    public JournalOutcome? Outcome { get; init; }

    /// <summary>The error, when it failed.</summary>
    public string? Error { get; init; }
}
