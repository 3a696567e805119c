using System.Globalization;

namespace Baton.Providers.Host;

/// <summary>The owner, group, mode and size <c>stat</c> reports for a path.</summary>
internal sealed record PathStat(string Owner, string Uid, string Group, string Gid, string Mode, long Size)
{
    /// <summary>The fields of <c>stat -c '%U %u %G %g %a %s'</c>, or null when <paramref name="text"/> is not that.</summary>
    public static PathStat? Parse(string text)
    {
        var f = text.Trim().Split(' ');
        return f.Length == 6 && long.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? new PathStat(f[0], f[1], f[2], f[3], f[4], size)
            : null;
    }
}
