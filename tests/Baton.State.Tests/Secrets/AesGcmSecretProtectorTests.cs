using System.Security.Cryptography;
using System.Text;

namespace Baton.State.Tests.Secrets;

public sealed class AesGcmSecretProtectorTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("\"hunter2\"");

    [Fact]
    public void Protect_ThenUnprotect_RoundTrips()
    {
        using var protector = new AesGcmSecretProtector(Key);
        var envelope = protector.Protect(Plaintext, "ad");
        Assert.Equal(1 + 4 + 12 + Plaintext.Length + 16, envelope.Length);
        Assert.Equal(Plaintext, protector.Unprotect(envelope, "ad"));
    }

    [Fact]
    public void Protect_SameValueTwice_UsesFreshNonces()
    {
        using var protector = new AesGcmSecretProtector(Key);
        Assert.NotEqual(protector.Protect(Plaintext, "ad"), protector.Protect(Plaintext, "ad"));
    }

    [Fact]
    public void Unprotect_AnyFlippedByte_Throws()
    {
        using var protector = new AesGcmSecretProtector(Key);
        var envelope = protector.Protect(Plaintext, "ad");
        for (var i = 0; i < envelope.Length; i++)
        {
            var tampered = (byte[])envelope.Clone();
            tampered[i] ^= 0x01;
            Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered, "ad"));
        }

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(envelope.AsSpan(0, 20), "ad"));
    }

    [Fact]
    public void Unprotect_WrongAssociatedData_Throws()
    {
        using var protector = new AesGcmSecretProtector(Key);
        var envelope = protector.Protect(Plaintext, "app/web/inputs/password");
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(envelope, "app/db/inputs/password"));
    }

    [Fact]
    public void Unprotect_WrongKey_ThrowsNamingTheKey()
    {
        using var protector = new AesGcmSecretProtector(Key);
        using var other = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));
        var error = Assert.ThrowsAny<CryptographicException>(() => other.Unprotect(protector.Protect(Plaintext, "ad"), "ad"));
        Assert.Contains("different secret key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WrongKeyLength_Throws() =>
        Assert.Throws<ArgumentException>(() => new AesGcmSecretProtector(new byte[16]));
}
