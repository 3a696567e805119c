using System.Security.Cryptography;
using System.Text;
using Baton.Access;

namespace Baton.Server.Security;

/// <summary>
/// API token texts: <c>bt_ID_SECRET</c>, a 12-hex-digit public id to find the record and a 256-bit random secret
/// (base64url). Only SHA-256 of the secret is stored: the secret is random, so no salt or slow hash is needed to keep
/// a stolen store from giving tokens back.
/// </summary>
public static class ApiTokens
{
    private const string Prefix = "bt_";

    /// <summary>A new token: the text to give the user once, and the record to store.</summary>
    public static (string Text, ApiTokenRecord Record) Create(ApiRole role, string createdBy, string? description, DateTimeOffset now)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new ApiTokenRecord { Id = id, Role = role, SecretHash = Hash(secret), Description = description, CreatedBy = createdBy, CreatedAt = now };
        return ($"{Prefix}{id}_{secret}", record);
    }

    /// <summary>Splits a token text into its id and secret; false when it is not one.</summary>
    public static bool TryParse(string? text, out string id, out string secret)
    {
        id = secret = string.Empty;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length > 200)
        {
            return false;
        }

        var separator = text.IndexOf('_', Prefix.Length);
        if (separator != Prefix.Length + 12 || separator == text.Length - 1)
        {
            return false;
        }

        id = text[Prefix.Length..separator];
        secret = text[(separator + 1)..];
        return true;
    }

    /// <summary>Whether <paramref name="secret"/> is the one <paramref name="record"/> was made with (in constant time).</summary>
    public static bool Matches(ApiTokenRecord record, string secret)
    {
        ArgumentNullException.ThrowIfNull(record);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(record.SecretHash));
    }

    /// <summary>SHA-256 of a secret, lower-case hex.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
