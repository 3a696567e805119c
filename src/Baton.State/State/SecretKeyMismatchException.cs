using System.Security.Cryptography;

namespace Baton.State;

/// <summary>
/// A sealed value was made with another secret key than the one given: the key, not the value, is wrong. The key id
/// in the envelope tells this apart from a value that was altered.
/// </summary>
public sealed class SecretKeyMismatchException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    public SecretKeyMismatchException()
        : this("The encrypted value was made with a different secret key (check BATON_SECRET_KEY or the key file).")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SecretKeyMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SecretKeyMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Where the key in use came from (such as the key file's path), when the protector was told.</summary>
    public string? KeySource { get; init; }
}
