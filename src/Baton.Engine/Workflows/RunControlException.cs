namespace Baton.Engine.Workflows;

/// <summary>A request about a run that cannot be carried out: the run or step is not there, or not in a state for it.</summary>
public sealed class RunControlException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunControlException(string message, bool notFound = false)
        : base(message)
    {
        NotFound = notFound;
    }

    /// <summary>Creates the exception.</summary>
    public RunControlException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RunControlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether the run (or step) does not exist, as opposed to being in the wrong state.</summary>
    public bool NotFound { get; }
}
