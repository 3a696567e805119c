namespace Baton.Cli;

/// <summary>A command that cannot go on, with a message for the user (printed as an error, exit code 1).</summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
