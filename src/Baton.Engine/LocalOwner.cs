using System.Globalization;

namespace Baton.Engine;

/// <summary>
/// How a process names itself as the holder of a stack lock or a run lease (<c>user@host pid N</c>, with an optional
/// suffix), and how a holder that was a process of this machine, now gone, is recognised so its hold can be taken over.
/// </summary>
public static class LocalOwner
{
    private static string Prefix => $"{Environment.UserName}@{Environment.MachineName} pid ";

    /// <summary>This process: user, host and process id, then <paramref name="suffix"/> when given.</summary>
    public static string Name(string? suffix = null) =>
        Prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + (suffix is null ? "" : " " + suffix);

    /// <summary>Whether <paramref name="owner"/> names another process of this machine that is gone.</summary>
    public static bool IsDead(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var prefix = Prefix;
        if (!owner.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = owner.AsSpan(prefix.Length);
        var end = rest.IndexOf(' ');
        if (!int.TryParse(end < 0 ? rest : rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
        {
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
