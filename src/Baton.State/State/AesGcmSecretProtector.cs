using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Baton.Values;

namespace Baton.State;

/// <summary>
/// AES-256-GCM with a random 96-bit nonce per value. Envelope: version (1 byte, 1), key id (4 bytes, from a hash of
/// the key, so a wrong key is told apart from tampering), nonce (12), ciphertext, tag (16). The version, key id and
/// the caller's associated data are all authenticated.
/// </summary>
public sealed class AesGcmSecretProtector : ISecretProtector, IDisposable
{
    /// <summary>The key length in bytes.</summary>
    public const int KeySize = 32;

    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + 4;

    private readonly AesGcm _aes;
    private readonly uint _keyId;
    private readonly RandomNumberGenerator _random;
    private readonly Lock _lock = new();

    /// <summary>Creates a protector with a 32-byte key; nonces come from <paramref name="random"/> (the system's CSPRNG by default).</summary>
    public AesGcmSecretProtector(ReadOnlySpan<byte> key, RandomNumberGenerator? random = null)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The secret key must be {KeySize} bytes, not {key.Length}.", nameof(key));
        }

        _aes = new AesGcm(key, TagSize);
        _keyId = KeyId(key);
        _random = random ?? RandomNumberGenerator.Create();
    }

    /// <summary>Where the key came from, such as the key file's path or <c>BATON_SECRET_KEY</c>: named when a value sealed with another key is read.</summary>
    public string? KeySource { get; init; }

    /// <summary>The 4-byte identifier of a key as written in envelopes.</summary>
    public static uint KeyId(ReadOnlySpan<byte> key)
    {
        Span<byte> hash = stackalloc byte[32];
        Span<byte> input = stackalloc byte[KeySize + 13];
        "baton-key-id:"u8.CopyTo(input);
        key.CopyTo(input[13..]);
        SHA256.HashData(input[..(13 + key.Length)], hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <inheritdoc />
    public byte[] Protect(ReadOnlySpan<byte> plaintext, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(associatedData);
        var envelope = new byte[HeaderSize + NonceSize + plaintext.Length + TagSize];
        envelope[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(envelope.AsSpan(1, 4), _keyId);
        var nonce = envelope.AsSpan(HeaderSize, NonceSize);
        var ciphertext = envelope.AsSpan(HeaderSize + NonceSize, plaintext.Length);
        var tag = envelope.AsSpan(HeaderSize + NonceSize + plaintext.Length, TagSize);
        var aad = AssociatedData(envelope.AsSpan(0, HeaderSize), associatedData);
        lock (_lock)
        {
            _random.GetBytes(nonce);
            _aes.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        }

        return envelope;
    }

    /// <inheritdoc />
    public byte[] Unprotect(ReadOnlySpan<byte> envelope, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(associatedData);
        if (envelope.Length < HeaderSize + NonceSize + TagSize)
        {
            throw new CryptographicException("The encrypted value is truncated.");
        }

        if (envelope[0] != Version)
        {
            throw new CryptographicException($"The encrypted value has envelope version {envelope[0]}; this Baton reads version {Version}.");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(envelope.Slice(1, 4)) != _keyId)
        {
            throw new SecretKeyMismatchException(
                $"The encrypted value was made with a different secret key than the one in {KeySource ?? "use"} (check BATON_SECRET_KEY or the key file).")
            {
                KeySource = KeySource,
            };
        }

        var length = envelope.Length - HeaderSize - NonceSize - TagSize;
        var plaintext = new byte[length];
        var aad = AssociatedData(envelope[..HeaderSize], associatedData);
        try
        {
            lock (_lock)
            {
                _aes.Decrypt(envelope.Slice(HeaderSize, NonceSize), envelope.Slice(HeaderSize + NonceSize, length), envelope[^TagSize..], plaintext, aad);
            }
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new CryptographicException("The encrypted value was altered or belongs to another place (stack, resource or attribute).", ex);
        }

        return plaintext;
    }

    /// <inheritdoc />
    public void Dispose() => _aes.Dispose();

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, string associatedData)
    {
        var aad = new byte[header.Length + Encoding.UTF8.GetByteCount(associatedData)];
        header.CopyTo(aad);
        Encoding.UTF8.GetBytes(associatedData, aad.AsSpan(header.Length));
        return aad;
    }
}
