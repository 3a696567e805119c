namespace Baton.State;

/// <summary>
/// A notification queued and not yet carried out: run <see cref="Verb"/> (restart, reload, …) on the resource
/// instance <see cref="Target"/> because <see cref="Source"/> changed. It is queued in the same commit as the change's
/// journal intent and removed in the commit after the verb ran, so a run killed in between carries it out on the next
/// apply. One per target and verb: a second change that asks for the same verb adds nothing.
/// </summary>
public sealed record PendingNotification
{
    /// <summary>The instance the verb runs on, such as <c>app_service["web1"]</c>.</summary>
    public required string Target { get; init; }

    /// <summary>What to run on it: the provider action <c>family.verb</c> with the target's inputs.</summary>
    public required string Verb { get; init; }

    /// <summary>The instance whose change queued it (the first, when several did).</summary>
    public required string Source { get; init; }

    /// <summary><c>delayed</c> (once, after the apply's changes) or <c>immediate</c> (right after the source's change).</summary>
    public required string Timing { get; init; }

    /// <summary>When it was queued.</summary>
    public required DateTimeOffset QueuedAt { get; init; }
}
