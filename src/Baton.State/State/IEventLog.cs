namespace Baton.State;

/// <summary>
/// A stack's append-only event log, read in order. Events are written with the change they describe, in the same
/// transaction (<see cref="StateChange.Events"/> of <see cref="IStateStore.CommitAsync"/>), so an event is never seen
/// without its change. Ids are assigned by the store and increase in commit order; events are never changed or
/// deleted, so reading on from the last id seen misses nothing.
/// </summary>
public interface IEventLog
{
    /// <summary>Events with ids greater than <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StateEvent>> ReadEventsAsync(string stack, long afterId, int limit, CancellationToken cancellationToken);
}
