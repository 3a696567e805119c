using System.Runtime.InteropServices;
using Baton.Replicas;

namespace Baton.Providers.Process;

/// <summary>Sends POSIX signals. <c>kill(2)</c> is a plain system call, safe to call from .NET (unlike <c>fork</c>).</summary>
internal static partial class Signals
{
    public const int Kill = StopSignals.Kill;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when it could not (gone, not ours).</summary>
    public static bool Send(int pid, int signal) => pid > 0 && NativeKill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
