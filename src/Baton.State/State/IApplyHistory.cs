namespace Baton.State;

/// <summary>
/// The history of applies and destroys: one record per apply, and the timeline of its operations (read from the
/// journal that <see cref="IStateStore.CommitAsync"/> writes). Recording is fenced like state writes: it needs the
/// stack's current, unexpired lease (<see cref="ILockStore"/>) and throws <see cref="StaleLockException"/>, writing
/// nothing, otherwise. Writes are durable when their task completes.
/// </summary>
public interface IApplyHistory
{
    /// <summary>Records the start of an apply (under the lock).</summary>
    Task StartApplyAsync(ApplyRecord apply, long fencingToken, CancellationToken cancellationToken);

    /// <summary>Records how an apply ended (under the lock); the apply must have been started.</summary>
    Task FinishApplyAsync(ApplyRecord apply, long fencingToken, CancellationToken cancellationToken);

    /// <summary>The stack's applies, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ApplyRecord>> ListAppliesAsync(string stack, int limit, CancellationToken cancellationToken);

    /// <summary>The operations of one apply, in the order they started (for its timeline).</summary>
    Task<IReadOnlyList<OperationRecord>> ListOperationsAsync(string stack, string applyId, CancellationToken cancellationToken);
}
