namespace Baton.State;

/// <summary>The outcome of asking for a stack's lock: the lease, or who holds it.</summary>
public sealed record LockAttempt(StackLock? Lock, StackLock? Holder)
{
    /// <summary>Whether the lock was granted.</summary>
    public bool Acquired => Lock is not null;
}
