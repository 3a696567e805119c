using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Baton.Server.Api;

/// <summary>
/// How webhook requests are signed and checked: the header <see cref="Header"/> carries <c>t=UNIX_SECONDS,sha256=HEX</c>,
/// where HEX is the HMAC-SHA256, keyed with the bytes of the workflow's webhook key, of the ASCII text
/// <c>UNIX_SECONDS.</c> followed by the raw body. A signature is good for <see cref="Tolerance"/> either side of its
/// timestamp, and only once.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header carrying <c>t=UNIX_SECONDS,sha256=HEX</c>, the HMAC-SHA256 of <c>UNIX_SECONDS.BODY</c>.</summary>
    public const string Header = "X-Baton-Signature";

    /// <summary>How far a signature's timestamp may be from the server's clock.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>What to tell a sender whose request is not signed at all.</summary>
    public static readonly string HowToSign =
        $"sign the request: {Header}: t=UNIX_SECONDS,sha256=HEX (HMAC-SHA256 of \"UNIX_SECONDS.\" + body, keyed with the bytes of the hexadecimal key `baton webhook secret WORKFLOW` prints)";

    /// <summary>The header value signing <paramref name="body"/> at <paramref name="at"/> with <paramref name="key"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> key, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var unix = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={unix},sha256={Convert.ToHexStringLower(Mac(key, unix, body))}";
    }

    /// <summary>
    /// Checks <paramref name="header"/> (<c>t=UNIX,sha256=HEX</c>) against the HMAC of <c>UNIX.BODY</c>, within
    /// <see cref="Tolerance"/> of <paramref name="now"/>. A good signature comes with its canonical form (the MAC in
    /// lower-case hexadecimal, however the sender spelled it), by which a replay is recognised.
    /// </summary>
    public static WebhookSignatureCheck Verify(string header, ReadOnlySpan<byte> body, ReadOnlySpan<byte> key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(header);
        string? timestamp = null;
        string? signature = null;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                timestamp = part[2..];
            }
            else if (part.StartsWith("sha256=", StringComparison.Ordinal))
            {
                signature = part[7..];
            }
        }

        if (timestamp is null || signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookSignatureCheck.Refused(HowToSign);
        }

        var signedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - signedAt).Duration() > Tolerance)
        {
            return WebhookSignatureCheck.Refused($"the signature's timestamp is more than {Tolerance.TotalMinutes:0} minutes from now (a replay, or a clock that is off)");
        }

        var expected = Mac(key, timestamp, body);
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return WebhookSignatureCheck.Refused("the signature is not hexadecimal");
        }

        return CryptographicOperations.FixedTimeEquals(expected, given)
            ? new WebhookSignatureCheck(true, string.Empty, Convert.ToHexStringLower(expected), signedAt + Tolerance)
            : WebhookSignatureCheck.Refused("the signature does not match");
    }

    private static byte[] Mac(ReadOnlySpan<byte> key, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        return HMACSHA256.HashData(key, signed);
    }
}
