namespace Baton.Engine.Secrets;

/// <summary>The secret key could not be read or created; the message says what to fix.</summary>
public sealed class SecretKeyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SecretKeyException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SecretKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SecretKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
