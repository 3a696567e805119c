namespace Baton.State;

/// <summary>
/// A stack's state and its journal: resources, outputs, serial, the intents and results of provider calls, and the
/// events that go with a change. One of the focused store contracts (with <see cref="ILockStore"/>,
/// <see cref="IApplyHistory"/> and <see cref="IEventLog"/>); every store (SQLite embedded, PostgreSQL shared) passes
/// the same contract tests.
/// <list type="bullet">
/// <item>Durable: a write is on disk (fsync'd, or committed to the shared database) when its task completes.</item>
/// <item>Fenced: every write carries the fencing token of the stack's lease (<see cref="ILockStore"/>) and is checked
/// against the current lease inside the write's own transaction, so a holder that lost its lease writes nothing.</item>
/// <item>Atomic: each <see cref="CommitAsync"/> and <see cref="ReplaceAsync"/> is one transaction; readers never see
/// half of it.</item>
/// <item>Sensitive values are encrypted at rest, bound to where they live. All methods are safe to call from many
/// threads and many processes.</item>
/// </list>
/// </summary>
public interface IStateStore
{
    /// <summary>The current state of <paramref name="stack"/> (empty, serial 0, if it has none), read as of one transaction.</summary>
    Task<StackState> LoadAsync(string stack, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="change"/> in one durable transaction and returns the stack's serial after it (increased
    /// by one when the change touches resources or outputs). The journal intents and results, the resources, the
    /// outputs and the events (<see cref="IEventLog"/>) of the change are written together or not at all. Throws
    /// <see cref="StaleLockException"/>, writing nothing, when the change's fencing token is not the current,
    /// unexpired lease's.
    /// </summary>
    Task<long> CommitAsync(StateChange change, CancellationToken cancellationToken);

    /// <summary>Intents without a result, oldest first: operations a crash may have interrupted.</summary>
    Task<IReadOnlyList<JournalIntent>> PendingIntentsAsync(string stack, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stack's resources and outputs wholesale (import, <c>state rm</c>) in one transaction, bumping the
    /// serial, and returns the new serial. Fenced like <see cref="CommitAsync"/>.
    /// </summary>
    Task<long> ReplaceAsync(StackState state, long fencingToken, CancellationToken cancellationToken);

    /// <summary>The names of the stacks the store holds state for, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListStacksAsync(CancellationToken cancellationToken);
}
