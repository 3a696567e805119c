using System.Collections.Immutable;
using Baton.Plans;
using Baton.Values;

namespace Baton.Engine.Applying;

/// <summary>What an apply did.</summary>
public sealed record ApplyResult
{
    /// <summary>Every operation and how it ended, with the provider's message for failures.</summary>
    public required ImmutableArray<(ResourceChange Change, OperationOutcome Outcome, string? Error)> Operations { get; init; }

    /// <summary>Every notification the plan had and how it ended; one that did not run stays queued for the next apply.</summary>
    public ImmutableArray<(PlannedNotification Notification, OperationOutcome Outcome, string? Error)> Notifications { get; init; } = [];

    /// <summary>The stack's outputs after the apply.</summary>
    public required Value Outputs { get; init; }

    /// <summary>The state serial after the apply.</summary>
    public required long Serial { get; init; }

    /// <summary>The number of durable transactions the apply took.</summary>
    public int Commits { get; init; }

    /// <summary>Whether every operation succeeded.</summary>
    public bool Succeeded => Operations.All(o => o.Outcome == OperationOutcome.Succeeded) && Notifications.All(n => n.Outcome == OperationOutcome.Succeeded);

    /// <summary>The number of operations that ended as <paramref name="outcome"/>.</summary>
    public int Count(OperationOutcome outcome) => Operations.Count(o => o.Outcome == outcome);
}
