using System.Security.Cryptography;
using System.Text;

namespace Baton.Providers.Host;

/// <summary>
/// What <see cref="RemoteScripts.PathState"/> printed about a path; <see cref="Text"/> is the file's content when the
/// check fetched it back and it is UTF-8 text with the SHA-256 the check printed (null otherwise).
/// </summary>
internal sealed record PathState(string Kind, string? Sha256, PathStat? Stat, string? Text = null)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static PathState Parse(string output)
    {
        string kind = "none";
        string? sha256 = null;
        string? content = null;
        PathStat? stat = null;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var key = space < 0 ? line : line[..space];
            var value = space < 0 ? string.Empty : line[(space + 1)..];
            switch (key)
            {
                case "kind":
                    kind = value;
                    break;
                case "sha256":
                    sha256 = value;
                    break;
                case "stat":
                    stat = PathStat.Parse(value);
                    break;
                case "content":
                    content = value;
                    break;
                default:
                    break;
            }
        }

        return new PathState(kind, sha256, stat, content is null || sha256 is null ? null : Decode(content, sha256));
    }

    /// <summary>The text of base64 <paramref name="content"/> when it hashes to <paramref name="sha256"/> and is valid UTF-8; else null (binary, or changed between the hash and the read).</summary>
    private static string? Decode(string content, string sha256)
    {
        var bytes = new byte[content.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(content, bytes, out var length))
        {
            return null;
        }

        var data = bytes.AsSpan(0, length);
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(data)), sha256, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return StrictUtf8.GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Whether the path already has the owner, group and mode asked for (empty: any).</summary>
    public bool Matches(string owner, string group, string mode) =>
        Stat is { } s
        && (owner.Length == 0 || owner == s.Owner || owner == s.Uid)
        && (group.Length == 0 || group == s.Group || group == s.Gid)
        && (mode.Length == 0 || mode == FileModes.FromStat(s.Mode));
}
