using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Baton.Providers.Process;

/// <summary>
/// Starts and stops replicas. A replica is started as
/// <c>setsid /bin/sh -c 'log=$1; shift; exec "$@" &lt;/dev/null &gt;&gt;"$log" 2&gt;&amp;1' sh LOG ARGV...</c>:
/// <list type="bullet">
/// <item><c>setsid</c> (util-linux) gives the replica its own session, so it has no controlling terminal and no
/// SIGHUP or Ctrl-C from baton's terminal reaches it; the child .NET forks is not a process-group leader, so
/// <c>setsid</c> calls setsid(2) and execs in place rather than forking — the pid .NET reports is the replica's.</item>
/// <item>The shell script is a constant: the log path and the user's argv are passed as separate arguments
/// (<c>$1</c>, <c>"$@"</c>) and never interpolated into it, so user input is never parsed by a shell. The shell
/// opens the log for append, points stdout/stderr at it, stdin at /dev/null, and execs the command — again in
/// place, so the pid stays the replica's. .NET cannot hand a file descriptor to a child, and pumping pipes would tie
/// the replica's output to baton's lifetime.</item>
/// </list>
/// The replica's parent is baton while baton lives (the .NET runtime reaps it when it exits) and init afterwards.
/// </summary>
internal static class ReplicaLauncher
{
    private const string Redirect = "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1";

    public static string SetsidPath { get; } = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "setsid";

    /// <summary>Starts one replica and returns its identity, or an error saying why it could not start.</summary>
    public static (ReplicaRecord? Replica, string? Error) Start(
        int index, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> env, string workingDir, int? port, string logPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var info = new ProcessStartInfo(SetsidPath)
        {
            WorkingDirectory = workingDir,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Redirect);
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(logPath);
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

        var pid = process.Id;
        if (ProcessIdentity.StartTicks(pid) is not { } ticks)
        {
            return (null, "exited at once");
        }

        return (new ReplicaRecord(index, pid, ticks, port), null);
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

    /// <summary>A loopback port free right now (another process may still take it before the replica binds it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Whether something already listens on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool PortInUse(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return false;
        }
        catch (SocketException)
        {
            return true;
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
