namespace Baton.State;

/// <summary>
/// A write with a fencing token that is no longer the stack's: the writer lost its lease (it expired, or was forced
/// open) and someone else may be writing. The write did not happen.
/// </summary>
public sealed class StaleLockException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StaleLockException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StaleLockException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public StaleLockException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
