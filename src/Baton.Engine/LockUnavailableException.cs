using Baton.State;

namespace Baton.Engine;

/// <summary>The stack's lock is held by someone else and the wait ran out.</summary>
public sealed class LockUnavailableException : Exception
{
    /// <summary>Creates the exception for the current holder.</summary>
    public LockUnavailableException(StackLock? holder)
        : base(holder is null
            ? "the stack is locked"
            : $"the stack is locked by {holder.Owner} for {holder.Operation} since {holder.AcquiredAt:u} (lock id {holder.LockId}); if that process is gone, run: baton force-unlock {holder.LockId}")
    {
        Holder = holder;
    }

    /// <summary>Creates the exception.</summary>
    public LockUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LockUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public LockUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Who holds the lock.</summary>
    public StackLock? Holder { get; }
}
