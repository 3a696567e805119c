namespace Baton.Providers.Host;

/// <summary>How a remote command ended: its exit status (or the signal that killed it) and its output.</summary>
internal sealed record RemoteResult(int? ExitStatus, string? ExitSignal, string Stdout, string Stderr)
{
    /// <summary>Whether it exited with status 0.</summary>
    public bool Succeeded => ExitStatus == 0;

    /// <summary>The exit status as the shell reports it: 128 + 9 for a command killed by SIGKILL, -1 when unknown.</summary>
    public int Status => ExitStatus ?? (ExitSignal is { } signal ? 128 + SignalNumber(signal) : -1);

    /// <summary>How it ended, for messages: <c>exit status 2</c> or <c>killed by signal KILL</c>.</summary>
    public string Describe() => ExitStatus is { } status ? $"exit status {status}" : ExitSignal is { } signal ? $"killed by signal {signal}" : "no exit status";

    /// <summary>Standard error, trimmed for a message: its last 2,000 characters without surrounding white space.</summary>
    public string TrimmedStderr()
    {
        var text = Stderr.Trim();
        return text.Length <= 2000 ? text : "…" + text[^2000..];
    }

    private static int SignalNumber(string signal) => signal switch
    {
        "HUP" => 1,
        "INT" => 2,
        "QUIT" => 3,
        "ABRT" => 6,
        "KILL" => 9,
        "SEGV" => 11,
        "PIPE" => 13,
        "ALRM" => 14,
        "TERM" => 15,
        _ => 0,
    };
}
