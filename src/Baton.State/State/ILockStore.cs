namespace Baton.State;

/// <summary>
/// The stack locks: a lease per stack that whoever writes the stack's state must hold.
/// <list type="bullet">
/// <item>At most one unexpired lease per stack; an expired lease counts as free, so a holder that died stops blocking
/// others once its lease runs out.</item>
/// <item>Fencing tokens: every lease granted on a stack gets a token larger than every token granted on it before,
/// across releases, force-unlocks and reopening the store, never reused. Fenced writes
/// (<see cref="IStateStore"/>, <see cref="IApplyHistory"/>) are refused unless they carry the current, unexpired
/// lease's token.</item>
/// <item>Durable: a granted, renewed or released lease is stored when the task completes; locks are independent per
/// stack, and shared by every process and node using the same store.</item>
/// </list>
/// </summary>
public interface ILockStore
{
    /// <summary>
    /// Takes the stack's lock for <paramref name="lease"/>, waiting up to <paramref name="wait"/> while someone else
    /// holds it. An expired lease counts as free. Returns the holder when the wait ends without the lock.
    /// </summary>
    Task<LockAttempt> AcquireLockAsync(string stack, string owner, string operation, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>
    /// Extends a held lease (the heartbeat), keeping its fencing token. Throws <see cref="StaleLockException"/> if it
    /// was lost (expired, taken over or force-unlocked).
    /// </summary>
    Task<StackLock> RenewLockAsync(StackLock held, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Gives a lease back. Releasing a lease already lost does nothing (it never releases another holder's).</summary>
    Task ReleaseLockAsync(StackLock held, CancellationToken cancellationToken);

    /// <summary>The current lease on the stack, if any (expired or not).</summary>
    Task<StackLock?> GetLockAsync(string stack, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the lease with id <paramref name="lockId"/>; false when no such lease holds the stack. The next lease
    /// still gets a larger fencing token, so the removed holder's writes stay refused.
    /// </summary>
    Task<bool> ForceUnlockAsync(string stack, string lockId, CancellationToken cancellationToken);
}
