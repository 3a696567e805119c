namespace Baton.Runs;

/// <summary>A worker wrote to a run another worker now holds (its lease expired and was taken); nothing was written.</summary>
public sealed class RunLeaseLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunLeaseLostException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RunLeaseLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public RunLeaseLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
