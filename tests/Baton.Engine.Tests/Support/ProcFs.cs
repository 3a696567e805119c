using System.Globalization;

namespace Baton.Engine.Tests.Support;

/// <summary>
/// What the tests read of <c>/proc</c> to see which processes run, read here on its own rather than through the
/// engine's reader (<c>ProcessGroups</c>) whose work the tests check.
/// </summary>
internal static class ProcFs
{
    /// <summary>The pids of every process there is.</summary>
    public static IEnumerable<int> Pids()
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>
    /// The fields of <c>/proc/PID/stat</c> after comm, so index 0 is field 3 (state), 2 field 5 (pgrp) and 19 field 22
    /// (starttime); an <see cref="IOException"/> when the process is gone.
    /// </summary>
    public static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>Whether the process is there and not a zombie (a dead child its new parent has not reaped yet).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            return IsLive(StatFields(pid));
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Field 22 of <c>/proc/PID/stat</c>: when the process started, in clock ticks since boot.</summary>
    public static long StartTicks(int pid) => long.Parse(StatFields(pid)[19], CultureInfo.InvariantCulture);

    /// <summary>The live (not zombie) processes of process group <paramref name="group"/>.</summary>
    public static List<int> GroupMembers(int group)
    {
        var members = new List<int>();
        foreach (var pid in Pids())
        {
            try
            {
                var fields = StatFields(pid);
                if (IsLive(fields) && fields[2] == group.ToString(CultureInfo.InvariantCulture))
                {
                    members.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }

        return members;
    }

    private static bool IsLive(string[] fields) => fields[0] is not ("Z" or "X");
}
