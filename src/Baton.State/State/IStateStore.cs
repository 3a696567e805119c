namespace Baton.State;

/// <summary>
/// Where stacks' state lives: resources, serial, journal, apply history, event log and locks. One contract, several
/// stores (SQLite embedded, PostgreSQL shared); every store passes the same contract tests. Writes are durable when
/// the returned task completes (fsync'd), and each <see cref="CommitAsync"/> is one transaction. Sensitive values are
/// encrypted at rest by the store. All methods are safe to call from many threads.
/// </summary>
public interface IStateStore : IAsyncDisposable
{
    /// <summary>The current state of <paramref name="stack"/> (empty, serial 0, if it has none).</summary>
    Task<StackState> LoadAsync(string stack, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the stack's lock for <paramref name="lease"/>, waiting up to <paramref name="wait"/> while someone else
    /// holds it. An expired lease counts as free. Returns the holder when the wait ends without the lock.
    /// </summary>
    Task<LockAttempt> AcquireLockAsync(string stack, string owner, string operation, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Extends a held lease (the heartbeat). Throws <see cref="StaleLockException"/> if it was lost.</summary>
    Task<StackLock> RenewLockAsync(StackLock held, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Gives a lease back. Releasing a lease already lost does nothing.</summary>
    Task ReleaseLockAsync(StackLock held, CancellationToken cancellationToken);

    /// <summary>The current lease on the stack, if any (expired or not).</summary>
    Task<StackLock?> GetLockAsync(string stack, CancellationToken cancellationToken);

    /// <summary>Removes the lease with id <paramref name="lockId"/>; false when no such lease holds the stack.</summary>
    Task<bool> ForceUnlockAsync(string stack, string lockId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="change"/> in one durable transaction and returns the stack's serial after it (increased
    /// when the change touches resources or outputs). Throws <see cref="StaleLockException"/>, writing nothing, when the
    /// change's fencing token is not the current lease's.
    /// </summary>
    Task<long> CommitAsync(StateChange change, CancellationToken cancellationToken);

    /// <summary>Intents without a result: operations a crash may have interrupted.</summary>
    Task<IReadOnlyList<JournalIntent>> PendingIntentsAsync(string stack, CancellationToken cancellationToken);

    /// <summary>Records the start of an apply (under the lock).</summary>
    Task StartApplyAsync(ApplyRecord apply, long fencingToken, CancellationToken cancellationToken);

    /// <summary>Records how an apply ended (under the lock).</summary>
    Task FinishApplyAsync(ApplyRecord apply, long fencingToken, CancellationToken cancellationToken);

    /// <summary>The newest applies first.</summary>
    Task<IReadOnlyList<ApplyRecord>> ListAppliesAsync(string stack, int limit, CancellationToken cancellationToken);

    /// <summary>The operations of one apply, in the order they started (for its timeline).</summary>
    Task<IReadOnlyList<OperationRecord>> ListOperationsAsync(string stack, string applyId, CancellationToken cancellationToken);

    /// <summary>Events with ids greater than <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StateEvent>> ReadEventsAsync(string stack, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stack's resources and outputs wholesale (import, <c>state rm</c>), bumping the serial; under the lock.
    /// </summary>
    Task<long> ReplaceAsync(StackState state, long fencingToken, CancellationToken cancellationToken);

    /// <summary>The names of the stacks the store holds.</summary>
    Task<IReadOnlyList<string>> ListStacksAsync(CancellationToken cancellationToken);
}
