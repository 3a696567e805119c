using System.Diagnostics;
using System.Globalization;
using System.Text;
using Baton.Runtime;

namespace Baton.Providers.Process;

/// <summary>
/// Starts and stops replicas. A replica is started as <c>setsid /bin/sh -c WRAPPER sh LOG EXIT ARGV...</c>, where
/// WRAPPER is a constant script:
/// <code>
/// log=$1; exit_file=$2; shift 2
/// exec 3&gt;&amp;1 &lt;/dev/null &gt;/dev/null 2&gt;&amp;1
/// /bin/sh -c 'log=$1; shift; echo $$ &gt;&amp;3; exec "$@" &lt;/dev/null &gt;&gt;"$log" 2&gt;&amp;1 3&gt;&amp;-' sh "$log" "$@"
/// code=$?; echo "$code" &gt;"$exit_file.tmp" &amp;&amp; mv -f "$exit_file.tmp" "$exit_file"
/// </code>
/// <list type="bullet">
/// <item><c>setsid</c> (util-linux) gives the wrapper its own session, so neither it nor the replica has a controlling
/// terminal, and no SIGHUP or Ctrl-C from baton's terminal reaches them.</item>
/// <item>The wrapper starts the replica in the foreground (a background job would have SIGINT and SIGQUIT ignored):
/// an inner shell writes its own pid to baton on a pipe (fd 3), points stdout/stderr at the log (append) and stdin at
/// /dev/null, and execs the command in place, so that pid is the replica's. Baton records that pid with its start time;
/// signals go to the replica itself, never to the wrapper.</item>
/// <item>When the replica exits, the wrapper (its parent, so it reaps it and sees its status) writes the exit status
/// (128 + N for signal N, as the shell reports it) to the replica's exit file, named by a token unique to this start,
/// via a temp file and a rename. No exit file with the replica gone means the wrapper was killed too: the status is
/// unknown.</item>
/// <item>The scripts are constants: the log path, the exit file and the user's argv are passed as separate arguments
/// and never interpolated into them, so user input is never parsed by a shell.</item>
/// </list>
/// The wrapper's parent is baton while baton lives (the .NET runtime reaps it when it exits) and init afterwards.
/// </summary>
internal static class ReplicaLauncher
{
    private const string Wrapper =
        "log=$1; exit_file=$2; shift 2\n"
        + "exec 3>&1 </dev/null >/dev/null 2>&1\n"
        + "/bin/sh -c 'log=$1; shift; echo $$ >&3; exec \"$@\" </dev/null >>\"$log\" 2>&1 3>&-' sh \"$log\" \"$@\"\n"
        + "code=$?\n"
        + "echo \"$code\" >\"$exit_file.tmp\" && mv -f \"$exit_file.tmp\" \"$exit_file\"\n";

    private static readonly TimeSpan PidTimeout = TimeSpan.FromSeconds(10);

    public static string SetsidPath { get; } = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "setsid";

    /// <summary>A token unique to one start of a replica, naming its exit file.</summary>
    public static string NewLaunchToken() => Guid.NewGuid().ToString("N")[..16];

    /// <summary>The exit file of the replica started with <paramref name="launch"/>, next to its log.</summary>
    public static string ExitPath(string logPath, string launch) =>
        Path.Combine(Path.GetDirectoryName(logPath)!, Path.GetFileNameWithoutExtension(logPath) + "." + launch + ".exit");

    /// <summary>The exit status the wrapper recorded for a replica that is gone, or null when none was recorded.</summary>
    public static int? ExitCode(string exitPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(exitPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Starts one replica and returns its identity, or an error saying why it could not start.</summary>
    public static async Task<(ReplicaRecord? Replica, string? Error)> StartAsync(
        int index, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> env, string workingDir, int? port, string logPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var launch = NewLaunchToken();
        var info = new ProcessStartInfo(SetsidPath)
        {
            WorkingDirectory = workingDir,
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };
        info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Wrapper);
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(logPath);
        info.ArgumentList.Add(ExitPath(logPath, launch));
        foreach (var argument in command)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        if (port is { } p)
        {
            info.Environment["PORT"] = p.ToString(CultureInfo.InvariantCulture);
        }

        using var process = System.Diagnostics.Process.Start(info);
        if (process is null)
        {
            return (null, "the process did not start");
        }

        // The inner shell writes its pid (the replica's, once it execs) before anything else.
        string? line;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(PidTimeout);
            try
            {
                line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                line = null;
            }
        }

        if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return (null, "did not start (the wrapper reported no pid)");
        }

        // A replica that already exited keeps its pid with no start time: never alive, never signalled; its wrapper
        // still records its exit status, which the caller judges.
        var ticks = ProcessGroups.StartTicks(pid) ?? ReplicaRecord.ExitedBeforeSeen;
        return (new ReplicaRecord(index, pid, ticks, port, Launch: launch), null);
    }

    /// <summary>
    /// Asks a replica to stop with <paramref name="signal"/>, waits up to <paramref name="timeout"/>, then kills it.
    /// Does nothing when the pid no longer belongs to the replica (gone, or reused by another process).
    /// </summary>
    public static async Task StopAsync(ReplicaRecord replica, int signal, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!replica.IsAlive)
        {
            return;
        }

        Signals.Send(replica.Pid, signal);
        if (await WaitGoneAsync(replica, timeout, time, cancellationToken))
        {
            return;
        }

        if (replica.IsAlive)
        {
            Signals.Send(replica.Pid, Signals.Kill);
        }

        await WaitGoneAsync(replica, TimeSpan.FromSeconds(5), time, cancellationToken);
    }

    /// <summary>The last <paramref name="lines"/> lines of a replica's log written from byte <paramref name="from"/> on.</summary>
    public static string Tail(string logPath, long from = 0, int lines = 20)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var all = reader.ReadToEnd().Split('\n');
            if (all.Length > 0 && all[^1].Length == 0)
            {
                all = all[..^1];
            }

            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of <paramref name="text"/>.</summary>
    public static string LastLines(string text, int lines)
    {
        var all = text.TrimEnd('\n').Split('\n');
        return all.Length == 1 && all[0].Length == 0 ? "" : string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>
    /// The last <paramref name="lines"/> lines of a log, reading at most its last <paramref name="maxBytes"/> bytes;
    /// truncated when the log holds more than was returned.
    /// </summary>
    public static (string Text, bool Truncated) TailBounded(string logPath, int lines, int maxBytes)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = Math.Max(0, stream.Length - maxBytes);
            stream.Seek(start, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var all = reader.ReadToEnd().Split('\n').ToList();
            if (all.Count > 0 && all[^1].Length == 0)
            {
                all.RemoveAt(all.Count - 1);
            }

            // Reading from the middle of the file: the first line is only the end of one.
            if (start > 0 && all.Count > 0)
            {
                all.RemoveAt(0);
            }

            var skip = Math.Max(0, all.Count - lines);
            return (string.Join('\n', all.Skip(skip)), start > 0 || skip > 0);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return ("", false);
        }
    }

    /// <summary>Finds <paramref name="program"/> as execvp would: a path when it holds a slash, else on PATH.</summary>
    public static bool CanRun(string program, string workingDir, IReadOnlyDictionary<string, string> env)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(Path.Combine(workingDir, program));
        }

        var path = env.TryGetValue("PATH", out var given) ? given : Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, program)));
    }

    private static async Task<bool> WaitGoneAsync(ReplicaRecord replica, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (replica.IsAlive)
        {
            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
        }

        return true;
    }
}
