using System.Runtime.InteropServices;

namespace Baton.Bench.Support;

/// <summary>POSIX signals by pid, as the process provider sends them (<c>kill(2)</c>), without starting a <c>kill</c> process.</summary>
internal static partial class Signals
{
    public const int Term = 15;

    public const int Kill = 9;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when it could not (gone, not ours).</summary>
    public static bool Send(int pid, int signal) => pid > 0 && NativeKill(pid, signal) == 0;

    /// <summary>Whether <paramref name="pid"/> exists and is not a zombie.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
