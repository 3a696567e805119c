using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Plans;

/// <summary>
/// Every change an apply will make, computed against one state serial. Applying a saved plan refuses if the state
/// has moved since.
/// </summary>
public sealed record Plan
{
    /// <summary>The stack.</summary>
    public required string Stack { get; init; }

    /// <summary>The state serial the plan was made against.</summary>
    public required long Serial { get; init; }

    /// <summary>Whether this plan destroys the whole stack.</summary>
    public bool IsDestroy { get; init; }

    /// <summary>The changes, in dependency order; no-ops included.</summary>
    public required ImmutableArray<ResourceChange> Changes { get; init; }

    /// <summary>The stack's outputs after the apply, as far as known now.</summary>
    public Value Outputs { get; init; } = Value.EmptyMap;

    /// <summary>The verbs the apply will run on instances because others change (or an interrupted apply queued them), one per target and verb.</summary>
    public ImmutableArray<PlannedNotification> Notifications { get; init; } = [];

    /// <summary>The number of changes of each action.</summary>
    public int Count(ChangeAction action) => Changes.Count(c => c.Action == action);

    /// <summary>Whether the plan changes anything.</summary>
    public bool HasChanges => Changes.Any(c => c.Action != ChangeAction.NoOp) || !Notifications.IsEmpty;
}
