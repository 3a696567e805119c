using System.Globalization;
using System.Runtime.InteropServices;

namespace Baton.Runtime;

/// <summary>
/// Finds and kills the process group of a <see cref="CommandProcess"/>, on Linux, from <c>/proc</c> and
/// <c>kill(2)</c>. A recorded process is still running when its pid names a live process with the recorded start time,
/// or, once that leader is gone, while live processes remain in its group: a pid cannot be given to a new process
/// while a process group still has it as its id, so such members are the command's. A pid that now names a process
/// with another start time is someone else's and is never signalled. Zombies count as gone.
/// </summary>
public static partial class ProcessGroups
{
    private const int SigKill = 9;

    /// <summary>The start time of <paramref name="pid"/> in clock ticks since boot, or null when it is gone or a zombie.</summary>
    public static long? StartTicks(int pid) => Read(pid) is { Live: true } stat ? stat.StartTicks : null;

    /// <summary>
    /// Whether <paramref name="pid"/> names a live process that started at <paramref name="startTicks"/>: the same
    /// process as the one recorded, not one the kernel has since given that pid to, nor a zombie.
    /// </summary>
    public static bool IsAlive(int pid, long startTicks) => pid > 0 && StartTicks(pid) == startTicks;

    /// <summary>Whether the process, or any process left in its group, still runs.</summary>
    public static bool IsRunning(CommandProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.Pid <= 0)
        {
            return false;
        }

        if (Read(process.Pid) is { } leader)
        {
            if (leader.StartTicks != process.StartTicks)
            {
                return false;
            }

            if (leader.Live)
            {
                return true;
            }
        }

        return HasLiveMembers(process.Pid);
    }

    /// <summary>
    /// Sends SIGKILL to the process's group (to the process alone when it leads no group of its own), when it still
    /// runs; false when nothing of it was running.
    /// </summary>
    public static bool Kill(CommandProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!IsRunning(process))
        {
            return false;
        }

        var leader = Read(process.Pid);
        var pid = leader is { Live: true } l && l.Group != process.Pid ? process.Pid : -process.Pid;
        NativeKill(pid, SigKill);
        return true;
    }

    /// <summary>
    /// Kills the process's group (see <see cref="Kill"/>) and waits up to <paramref name="wait"/> for every process of
    /// it to be gone; true when nothing of it runs any more.
    /// </summary>
    public static async Task<bool> KillAsync(CommandProcess process, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        while (Kill(process))
        {
            if (time.GetElapsedTime(started) >= wait)
            {
                return !IsRunning(process);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
        }

        return true;
    }

    /// <summary>Kills the process group <paramref name="group"/> of a command this process started and has not reaped.</summary>
    internal static void KillGroup(int group)
    {
        if (group > 0)
        {
            NativeKill(-group, SigKill);
        }
    }

    private static bool HasLiveMembers(int group)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        foreach (var entry in entries)
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { Live: true } stat && stat.Group == group)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The fields of <c>/proc/PID/stat</c> that matter here, or null when there is no such process.</summary>
    private static Stat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // Field 2 (comm) is parenthesised and may hold spaces or parentheses: the fields that follow start after the
        // last ')'. fields[0] is field 3 (state), fields[2] field 5 (pgrp), fields[19] field 22 (starttime).
        var close = text.LastIndexOf(')');
        var fields = close < 0 ? [] : text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var group)
            || !long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return null;
        }

        return new Stat(fields[0] is not ("Z" or "X"), group, ticks);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);

    private readonly record struct Stat(bool Live, int Group, long StartTicks);
}
