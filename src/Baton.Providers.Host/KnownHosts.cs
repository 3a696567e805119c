using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Baton.Providers.Host;

/// <summary>
/// The host keys of an OpenSSH <c>known_hosts</c> text, and the strict check of a server's key against them. A line
/// names its hosts as patterns (<c>host</c>, <c>[host]:port</c>, <c>*</c>/<c>?</c> wildcards, <c>!</c> negations,
/// comma-separated) or hashed (<c>|1|salt|hash</c>, HMAC-SHA1 of the name); as in OpenSSH, a plain <c>host</c> names
/// port 22 only (as does <c>[host]:22</c>) and any other port is looked up as <c>[host]:port</c>. <c>@revoked</c> lines refuse their key;
/// <c>@cert-authority</c> lines are not supported and ignored.
/// </summary>
internal sealed class KnownHosts
{
    private readonly List<Entry> _entries;

    private KnownHosts(List<Entry> entries) => _entries = entries;

    /// <summary>How many key lines were read.</summary>
    public int Count => _entries.Count;

    /// <summary>Reads <paramref name="text"/>; false with the first malformed line's number and why.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out KnownHosts? knownHosts, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<Entry>();
        var number = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            number++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var marker = Marker.None;
            var index = 0;
            if (fields[0].StartsWith('@'))
            {
                marker = fields[0] switch
                {
                    "@revoked" => Marker.Revoked,
                    "@cert-authority" => Marker.CertAuthority,
                    _ => Marker.Unknown,
                };
                index = 1;
            }

            if (fields.Length < index + 3)
            {
                knownHosts = null;
                error = $"line {number}: expected \"HOSTS KEYTYPE BASE64KEY\"";
                return false;
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(fields[index + 2]);
            }
            catch (FormatException)
            {
                knownHosts = null;
                error = $"line {number}: the key is not base64";
                return false;
            }

            if (KeyType(blob) is not { } blobType || !string.Equals(blobType, fields[index + 1], StringComparison.Ordinal))
            {
                knownHosts = null;
                error = $"line {number}: the key is not a {fields[index + 1]} key";
                return false;
            }

            if (marker is Marker.CertAuthority or Marker.Unknown)
            {
                continue;
            }

            entries.Add(new Entry(fields[index], fields[index + 1], blob, marker == Marker.Revoked));
        }

        knownHosts = new KnownHosts(entries);
        error = null;
        return true;
    }

    /// <summary>The key types known for <paramref name="host"/>:<paramref name="port"/> (not revoked), in file order.</summary>
    public IReadOnlyList<string> KeyTypesFor(string host, int port)
    {
        var name = LookupName(host, port);
        return [.. _entries.Where(e => !e.Revoked && Matches(e.Hosts, name, port)).Select(e => e.KeyType).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Checks the key blob <paramref name="presented"/> of the server at <paramref name="host"/>:<paramref name="port"/>:
    /// null when a line for the host holds exactly this key, else why the server is refused (naming the fingerprints).
    /// </summary>
    public string? Check(string host, int port, ReadOnlySpan<byte> presented)
    {
        var name = LookupName(host, port);
        var presentedType = KeyType(presented) ?? "unknown";
        var presentedPrint = Fingerprint(presented);
        var forHost = _entries.Where(e => Matches(e.Hosts, name, port)).ToList();
        foreach (var entry in forHost)
        {
            if (entry.Revoked && presented.SequenceEqual(entry.Blob))
            {
                return $"the host key {presentedType} {presentedPrint} of {name} is marked @revoked in known_hosts";
            }
        }

        foreach (var entry in forHost)
        {
            if (!entry.Revoked && string.Equals(entry.KeyType, presentedType, StringComparison.Ordinal) && presented.SequenceEqual(entry.Blob))
            {
                return null;
            }
        }

        var known = forHost.Where(e => !e.Revoked).ToList();
        if (known.Count == 0)
        {
            return $"known_hosts has no key for {name}; the server presented {presentedType} {presentedPrint} " +
                   "(add it to known_hosts after checking it out of band)";
        }

        var expected = string.Join(", ", known.Select(e => $"{e.KeyType} {Fingerprint(e.Blob)}"));
        return $"HOST KEY MISMATCH for {name}: the server presented {presentedType} {presentedPrint}, but known_hosts has {expected} " +
               "(the host was reinstalled, or someone is intercepting the connection)";
    }

    /// <summary>The fingerprint OpenSSH prints for a key blob: <c>SHA256:</c> and unpadded base64.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> blob) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    /// <summary>The key type a public key blob starts with (its first SSH string), or null when it is not one.</summary>
    public static string? KeyType(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 4)
        {
            return null;
        }

        var length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
        if (length <= 0 || length > 64 || blob.Length < 4 + length)
        {
            return null;
        }

        var type = blob.Slice(4, length);
        foreach (var b in type)
        {
            if (b is < 0x21 or > 0x7e)
            {
                return null;
            }
        }

        return Encoding.ASCII.GetString(type);
    }

    /// <summary>The name known_hosts keys a host by: <c>host</c> on port 22, <c>[host]:port</c> on any other.</summary>
    public static string LookupName(string host, int port) =>
        port == 22 ? host.ToLowerInvariant() : $"[{host.ToLowerInvariant()}]:{port}";

    /// <summary>Whether <paramref name="hosts"/> names <paramref name="name"/> (on port 22 also written <c>[host]:22</c>).</summary>
    private static bool Matches(string hosts, string name, int port) =>
        MatchesName(hosts, name) || (port == 22 && MatchesName(hosts, $"[{name}]:22"));

    private static bool MatchesName(string hosts, string name)
    {
        if (hosts.StartsWith("|1|", StringComparison.Ordinal))
        {
            return HashedMatches(hosts, name);
        }

        var matched = false;
        foreach (var pattern in hosts.Split(','))
        {
            if (pattern.StartsWith('!'))
            {
                if (Glob(pattern[1..].ToLowerInvariant(), name))
                {
                    return false;
                }
            }
            else if (Glob(pattern.ToLowerInvariant(), name))
            {
                matched = true;
            }
        }

        return matched;
    }

    private static bool HashedMatches(string hosts, string name)
    {
        var parts = hosts.Split('|');
        if (parts.Length != 4)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            // OpenSSH's hashed host names are HMAC-SHA1 (its format, not our choice); only a match is looked for.
#pragma warning disable CA5350
            var computed = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(name));
#pragma warning restore CA5350
            return CryptographicOperations.FixedTimeEquals(computed, hash);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>OpenSSH's pattern match: <c>*</c> any run of characters, <c>?</c> exactly one.</summary>
    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (true)
        {
            if (pattern.IsEmpty)
            {
                return text.IsEmpty;
            }

            if (pattern[0] == '*')
            {
                var rest = pattern[1..];
                for (var skip = 0; skip <= text.Length; skip++)
                {
                    if (Glob(rest, text[skip..]))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (text.IsEmpty || (pattern[0] != '?' && pattern[0] != text[0]))
            {
                return false;
            }

            pattern = pattern[1..];
            text = text[1..];
        }
    }

    private enum Marker
    {
        None,
        Revoked,
        CertAuthority,
        Unknown,
    }

    private sealed record Entry(string Hosts, string KeyType, byte[] Blob, bool Revoked);
}
