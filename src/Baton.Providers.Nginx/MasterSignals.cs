using System.Runtime.InteropServices;
using Baton.Runtime;

namespace Baton.Providers.Nginx;

/// <summary>
/// Signals to the nginx master. Callers send them only to a pid checked with <see cref="ProcessGroups.IsAlive"/>
/// against the recorded start time, so a pid the kernel has reused for another process is never signalled.
/// </summary>
internal static partial class MasterSignals
{
    public const int Hup = 1;
    public const int Quit = 3;
    public const int Kill = 9;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && NativeKill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
