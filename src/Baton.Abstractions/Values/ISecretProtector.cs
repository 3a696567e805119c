namespace Baton.Values;

/// <summary>
/// Encrypts sensitive values for storage. The associated data names where the value lives (stack, resource, attribute
/// path), so a ciphertext copied to another place fails to decrypt instead of silently moving a secret.
/// </summary>
public interface ISecretProtector
{
    /// <summary>Encrypts <paramref name="plaintext"/> into a self-describing envelope bound to <paramref name="associatedData"/>.</summary>
    byte[] Protect(ReadOnlySpan<byte> plaintext, string associatedData);

    /// <summary>
    /// Decrypts an envelope made by <see cref="Protect"/> with the same associated data. Throws
    /// a key-mismatch exception when the envelope was made with another key, and
    /// <see cref="System.Security.Cryptography.CryptographicException"/> when it was altered or belongs to another place.
    /// </summary>
    byte[] Unprotect(ReadOnlySpan<byte> envelope, string associatedData);
}
