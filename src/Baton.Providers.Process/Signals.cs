using System.Runtime.InteropServices;

namespace Baton.Providers.Process;

/// <summary>Sends POSIX signals. <c>kill(2)</c> is a plain system call, safe to call from .NET (unlike <c>fork</c>).</summary>
internal static partial class Signals
{
    public const int Kill = 9;

    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1,
        ["INT"] = 2,
        ["QUIT"] = 3,
        ["KILL"] = 9,
        ["USR1"] = 10,
        ["USR2"] = 12,
        ["TERM"] = 15,
    };

    /// <summary>The names accepted for <c>stop_signal</c>.</summary>
    public static IEnumerable<string> Names => Numbers.Keys;

    /// <summary>The Linux number of a signal named <c>TERM</c> or <c>SIGTERM</c>.</summary>
    public static bool TryParse(string name, out int number)
    {
        var bare = name.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? name[3..] : name;
        return Numbers.TryGetValue(bare, out number);
    }

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && NativeKill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
