namespace Baton.State.Sqlite;

/// <summary>
/// The state file cannot be used as it is: it is empty, damaged, not a Baton state, holds a row that does not read,
/// holds values sealed with another key, or is being restored. The message names the file and what is wrong (one
/// sentence, lower case, as a diagnostic); <see cref="Help"/> says what to do. Nothing was written to the file.
/// </summary>
public sealed class StateFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StateFileException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StateFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public StateFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="path"/> with what to do about it.</summary>
    public StateFileException(string path, string message, string help, Exception? innerException = null)
        : base(message, innerException)
    {
        StatePath = path;
        Help = help;
    }

    /// <summary>The state file.</summary>
    public string? StatePath { get; }

    /// <summary>What to do about it, such as restoring a backup; null when the message says it all.</summary>
    public string? Help { get; }
}
