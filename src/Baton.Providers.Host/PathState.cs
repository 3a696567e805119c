using System.Globalization;

namespace Baton.Providers.Host;

/// <summary>What <see cref="RemoteScripts.PathState"/> printed about a path.</summary>
internal sealed record PathState(string Kind, string? Sha256, PathStat? Stat)
{
    public static PathState Parse(string output)
    {
        string kind = "none";
        string? sha256 = null;
        PathStat? stat = null;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                continue;
            }

            var value = line[(space + 1)..];
            switch (line[..space])
            {
                case "kind":
                    kind = value;
                    break;
                case "sha256":
                    sha256 = value;
                    break;
                case "stat":
                    var f = value.Split(' ');
                    if (f.Length == 6 && long.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                    {
                        stat = new PathStat(f[0], f[1], f[2], f[3], f[4], size);
                    }

                    break;
                default:
                    break;
            }
        }

        return new PathState(kind, sha256, stat);
    }

    /// <summary>Whether the path already has the owner, group and mode asked for (empty: any).</summary>
    public bool Matches(string owner, string group, string mode) =>
        Stat is { } s
        && (owner.Length == 0 || owner == s.Owner || owner == s.Uid)
        && (group.Length == 0 || group == s.Group || group == s.Gid)
        && (mode.Length == 0 || mode == FileModes.FromStat(s.Mode));
}
