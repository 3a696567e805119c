using System.Net;
using System.Text;

namespace Baton.Providers.S3;

/// <summary>The S3 rules for bucket names and object keys (general purpose buckets).</summary>
internal static class BucketNames
{
    private static readonly string[] ReservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
    private static readonly string[] ReservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

    /// <summary>Why <paramref name="name"/> cannot name a bucket, or null when it can.</summary>
    public static string? Problem(string name)
    {
        if (name.Length is < 3 or > 63)
        {
            return $"\"{name}\" is {name.Length} characters long; a bucket name has 3 to 63";
        }

        if (!name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
        {
            return $"\"{name}\" may hold only lower-case letters, digits, dots and hyphens";
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return $"\"{name}\" must begin and end with a letter or digit";
        }

        if (name.Contains("..", StringComparison.Ordinal))
        {
            return $"\"{name}\" must not hold two adjacent dots";
        }

        if (name.Count(c => c == '.') == 3 && IPAddress.TryParse(name, out _))
        {
            return $"\"{name}\" must not look like an IP address";
        }

        if (ReservedPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal)) is { } prefix)
        {
            return $"\"{name}\" must not begin with the reserved prefix \"{prefix}\"";
        }

        return ReservedSuffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal)) is { } suffix
            ? $"\"{name}\" must not end with the reserved suffix \"{suffix}\""
            : null;
    }

    /// <summary>Why <paramref name="key"/> cannot name an object, or null when it can.</summary>
    public static string? KeyProblem(string key) =>
        key.Length == 0 ? "must not be empty"
        : Encoding.UTF8.GetByteCount(key) > 1024 ? "must be at most 1024 bytes of UTF-8"
        : key.Contains('\0', StringComparison.Ordinal) ? "must not contain a NUL character"
        : null;
}
