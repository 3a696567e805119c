using System.Collections.Immutable;
using Baton.Values;

namespace Baton.State;

/// <summary>
/// Everything one commit writes, in one transaction: journal intents and results, resource upserts and removals,
/// outputs and events. Operations that start or finish together share a commit (group commit), so one fsync
/// covers many of them. The store refuses the commit if <see cref="FencingToken"/> is not the current lock's.
/// </summary>
public sealed record StateChange
{
    /// <summary>The stack.</summary>
    public required string Stack { get; init; }

    /// <summary>The fencing token of the lock held by the writer.</summary>
    public required long FencingToken { get; init; }

    /// <summary>Intents of calls about to be made.</summary>
    public ImmutableArray<JournalIntent> Intents { get; init; } = [];

    /// <summary>Results of calls that finished.</summary>
    public ImmutableArray<JournalResult> Results { get; init; } = [];

    /// <summary>Resource objects written (by key).</summary>
    public ImmutableArray<ResourceState> Upserts { get; init; } = [];

    /// <summary>Keys of resource objects removed.</summary>
    public ImmutableArray<string> Removals { get; init; } = [];

    /// <summary>New outputs, when they change.</summary>
    public Value? Outputs { get; init; }

    /// <summary>Notifications to queue (one per target and verb: one already queued stays as it is).</summary>
    public ImmutableArray<PendingNotification> Notify { get; init; } = [];

    /// <summary>Notifications carried out (matched by target and verb), removed from the queue.</summary>
    public ImmutableArray<PendingNotification> Notified { get; init; } = [];

    /// <summary>Host facts gathered, each replacing what state held for its host (the serial does not change).</summary>
    public ImmutableArray<HostFactsRecord> Facts { get; init; } = [];

    /// <summary>Events to append.</summary>
    public ImmutableArray<StackEvent> Events { get; init; } = [];

    /// <summary>Whether the commit changes resources or outputs (and so the serial).</summary>
    public bool ChangesState => !Upserts.IsEmpty || !Removals.IsEmpty || Outputs is not null;

    /// <summary>Whether there is nothing to write.</summary>
    public bool IsEmpty => Intents.IsEmpty && Results.IsEmpty && !ChangesState && Events.IsEmpty && Notify.IsEmpty && Notified.IsEmpty && Facts.IsEmpty;
}
