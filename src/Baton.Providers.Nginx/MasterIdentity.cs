using System.Globalization;
using System.Runtime.InteropServices;

namespace Baton.Providers.Nginx;

/// <summary>
/// The nginx master's identity: pid plus start time (<c>/proc/PID/stat</c> field 22), so a pid the kernel has reused
/// for another process is never mistaken for our master, nor signalled.
/// </summary>
internal static partial class MasterIdentity
{
    public const int Hup = 1;
    public const int Quit = 3;
    public const int Kill = 9;

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

        // comm (field 2) may hold spaces or parentheses: the fields that follow start after the last ')'.
        var close = stat.LastIndexOf(')');
        var fields = close < 0 ? [] : stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0] is "Z" or "X" || !long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return null;
        }

        return ticks;
    }

    public static bool IsAlive(int pid, long startTicks) => pid > 0 && StartTicks(pid) == startTicks;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && NativeKill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
