namespace Baton.State;

/// <summary>
/// A stack's append-only event log, read in order: the committed changes (<see cref="EventSources.State"/>) and the
/// control plane's notices (<see cref="EventSources.Control"/>). A change's events are written with it, in the same
/// transaction (<see cref="StateChange.Events"/> of <see cref="IStateStore.CommitAsync"/>), so an event is never seen
/// without its change; a notice is appended on its own (<see cref="AppendAsync"/>). Ids are assigned by the store and increase in commit order; events are never changed or
/// deleted, so reading on from the last id seen misses nothing.
/// </summary>
public interface IEventLog
{
    /// <summary>Events with ids greater than <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StackEvent>> ReadEventsAsync(string stack, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a control-plane notice (<see cref="StackEvent.Source"/> <see cref="EventSources.Control"/>; other
    /// sources are refused) to its stack's log, durably; the id it was given.
    /// </summary>
    Task<long> AppendAsync(StackEvent notice, CancellationToken cancellationToken);
}
