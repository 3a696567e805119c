using System.Globalization;

namespace Baton.Providers.Process;

/// <summary>
/// Reads a process's identity from <c>/proc</c>: a pid is ours only while <c>/proc/PID/stat</c> exists, its start
/// time (field 22, clock ticks since boot) matches the one recorded at start, and it is not a zombie — so a pid the
/// kernel has reused for another process is never mistaken for ours, nor signalled.
/// </summary>
internal static class ProcessIdentity
{
    /// <summary>The start time of <paramref name="pid"/> in clock ticks since boot, or null when it is gone or a zombie.</summary>
    public static long? StartTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // Field 2 (comm) is parenthesised and may hold spaces or parentheses: the fields that follow start after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
        if (fields.Length < 20 || fields[0] is "Z" or "X" || !long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return null;
        }

        return ticks;
    }

    /// <summary>Whether <paramref name="pid"/> is alive and is still the process that started at <paramref name="startTicks"/>.</summary>
    public static bool IsAlive(int pid, long startTicks) => pid > 0 && StartTicks(pid) == startTicks;
}
