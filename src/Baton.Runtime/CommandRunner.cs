using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Baton.Runtime;

/// <summary>
/// Runs a command to completion (<c>process.exec</c>, the workflow step <c>exec</c>): an argument list (no shell), stdin on nothing, stdout and
/// stderr each kept up to a limit and drained beyond it (so a chatty command never blocks on a full pipe), killed with
/// its children when the timeout passes.
/// </summary>
/// <remarks>
/// On Linux a command runs contained, started as
/// <c>setsid setpriv --pdeathsig TERM -- /bin/sh -c SUPERVISOR sh BATON_PID env --default-signal=INT,QUIT -- PROGRAM ARGS...</c>
/// (util-linux and coreutils), where SUPERVISOR is a constant script:
/// <code>
/// trap 'kill -KILL 0' TERM
/// [ "$PPID" = "$1" ] || exit 137
/// shift
/// "$@" &amp;
/// wait $!
/// </code>
/// <list type="bullet">
/// <item><c>setsid</c> puts the command and everything it starts in a session and process group of their own, whose
/// id is the pid baton sees, so a timeout or a cancel kills the whole group, not only the process baton started.</item>
/// <item><c>setpriv --pdeathsig TERM</c> has the kernel send SIGTERM to that process, the supervisor, when baton
/// dies, even by SIGKILL; the supervisor then kills its whole group, so no step runs on orphaned beside its retry.
/// The kernel sends it when the thread that forked the process exits, so processes are started from a thread that
/// never exits (<see cref="ProcessSpawner"/>). The supervisor checks that its parent is still baton: one that died
/// before the signal was set would never send it.</item>
/// <item>The supervisor runs the command as a child (a shell cannot trap a signal while a foreground command runs) and
/// exits with its status (128 + N after signal N). A shell starts a background command with SIGINT and SIGQUIT
/// ignored; <c>env --default-signal</c> gives them back before the command starts.</item>
/// <item>The program is resolved here as <see cref="Process.Start(ProcessStartInfo)"/> resolves it, so a command that
/// does not exist still fails to start rather than exiting with the shell's 127.</item>
/// <item>The script is a constant: the user's argv is passed as separate arguments and never parsed by a shell.</item>
/// </list>
/// Without those tools (or off Linux) the command is started directly, as before.
/// </remarks>
public static class CommandRunner
{
    private const string SetsidPath = "/usr/bin/setsid";
    private const string SetprivPath = "/usr/bin/setpriv";
    private const string EnvPath = "/usr/bin/env";
    private const string ShellPath = "/bin/sh";

    private const string Supervisor =
        "trap 'kill -KILL 0' TERM\n"
        + "[ \"$PPID\" = \"$1\" ] || exit 137\n"
        + "shift\n"
        + "\"$@\" &\n"
        + "wait $!\n";

    private static readonly Lazy<bool> CanContain = new(ProbeContainment);

    /// <summary>How a command ended: its exit code and what it wrote, each stream kept up to the limit.</summary>
    /// <param name="ExitCode">The exit code (128 + N after signal N).</param>
    /// <param name="Stdout">What it wrote to stdout, up to the limit.</param>
    /// <param name="StdoutTruncated">Whether stdout went beyond the limit.</param>
    /// <param name="Stderr">What it wrote to stderr, up to the limit.</param>
    /// <param name="StderrTruncated">Whether stderr went beyond the limit.</param>
    public sealed record Outcome(int ExitCode, string Stdout, bool StdoutTruncated, string Stderr, bool StderrTruncated);

    /// <summary>Runs <paramref name="command"/>; null and an error when it could not start or did not finish in time.</summary>
    public static Task<(Outcome? Outcome, string? Error)> RunAsync(
        IReadOnlyList<string> command, IReadOnlyDictionary<string, string> env, string workingDir, TimeSpan timeout, int maxBytes, CancellationToken cancellationToken) =>
        RunAsync(command, env, workingDir, timeout, maxBytes, started: null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/>; null and an error when it could not start or did not finish in time.
    /// <paramref name="started"/> is told the command's process as soon as it runs, before it finishes.
    /// </summary>
    public static async Task<(Outcome? Outcome, string? Error)> RunAsync(
        IReadOnlyList<string> command, IReadOnlyDictionary<string, string> env, string workingDir, TimeSpan timeout, int maxBytes,
        Action<CommandProcess>? started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(env);
        var contained = false;
        ProcessStartInfo info;
        if (CanContain.Value)
        {
            var program = ResolveProgram(command[0]);
            if (program is null || !File.Exists(program))
            {
                return (null, $"command \"{command[0]}\" could not be started: No such file or directory");
            }

            if (!IsExecutable(program))
            {
                return (null, $"command \"{command[0]}\" could not be started: Permission denied");
            }

            info = Contained(program, command.Skip(1), program.Contains('=', StringComparison.Ordinal));
            contained = true;
        }
        else
        {
            info = new ProcessStartInfo(command[0]);
            foreach (var argument in command.Skip(1))
            {
                info.ArgumentList.Add(argument);
            }
        }

        info.WorkingDirectory = workingDir;
        info.UseShellExecute = false;
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        Process? process;
        try
        {
            process = await ProcessSpawner.StartAsync(info);
        }
        catch (Win32Exception exception)
        {
            return (null, $"command \"{command[0]}\" could not be started: {exception.Message}");
        }

        if (process is null)
        {
            return (null, $"command \"{command[0]}\" did not start");
        }

        using (process)
        {
            process.StandardInput.Close();
            if (started is not null && ProcessGroups.StartTicks(process.Id) is { } ticks)
            {
                started(new CommandProcess(process.Id, ticks));
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var stdout = ReadBoundedAsync(process.StandardOutput.BaseStream, maxBytes, limit.Token);
            var stderr = ReadBoundedAsync(process.StandardError.BaseStream, maxBytes, limit.Token);
            try
            {
                await process.WaitForExitAsync(limit.Token);
                var (outText, outTruncated) = await stdout;
                var (errText, errTruncated) = await stderr;
                return (new Outcome(process.ExitCode, outText, outTruncated, errText, errTruncated), null);
            }
            catch (OperationCanceledException)
            {
                // The tree first (it needs its links intact), then the group: what was orphaned inside it has left
                // the tree but not the group. The group leader is our child, not reaped yet, so its id is still ours.
                process.Kill(entireProcessTree: true);
                if (contained)
                {
                    ProcessGroups.KillGroup(process.Id);
                }

                cancellationToken.ThrowIfCancellationRequested();
                return (null, $"command \"{command[0]}\" did not finish within {timeout} and was killed");
            }
        }
    }

    private static ProcessStartInfo Contained(string program, IEnumerable<string> arguments, bool programLooksLikeAnAssignment)
    {
        var info = new ProcessStartInfo(SetsidPath);
        string[] prefix =
        [
            SetprivPath, "--pdeathsig", "TERM", "--", ShellPath, "-c", Supervisor, "sh", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (var argument in prefix)
        {
            info.ArgumentList.Add(argument);
        }

        // env takes NAME=VALUE words before the command: a program path with '=' in it is run without env's help.
        if (!programLooksLikeAnAssignment)
        {
            foreach (var argument in (string[])[EnvPath, "--default-signal=INT,QUIT", "--"])
            {
                info.ArgumentList.Add(argument);
            }
        }

        info.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Whether the tools of a contained start are here and work (checked once per process).</summary>
    private static bool ProbeContainment()
    {
        if (!OperatingSystem.IsLinux() || !new[] { SetsidPath, SetprivPath, EnvPath, ShellPath }.All(File.Exists))
        {
            return false;
        }

        try
        {
            var probe = Contained(ShellPath, ["-c", "exit 0"], programLooksLikeAnAssignment: false);
            probe.UseShellExecute = false;
            probe.RedirectStandardOutput = true;
            probe.RedirectStandardError = true;
            using var process = ProcessSpawner.StartAsync(probe).GetAwaiter().GetResult();
            if (process is null)
            {
                return false;
            }

            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// The program <see cref="Process.Start(ProcessStartInfo)"/> would run for <paramref name="name"/>: a rooted path as
    /// it is; else the file beside this process's executable, then in the current directory, then the first executable
    /// one on this process's PATH; null when there is none.
    /// </summary>
    private static string? ResolveProgram(string name)
    {
        if (Path.IsPathRooted(name))
        {
            return name;
        }

        if (Environment.ProcessPath is { } self && Path.GetDirectoryName(self) is { } selfDirectory && File.Exists(Path.Combine(selfDirectory, name)))
        {
            return Path.Combine(selfDirectory, name);
        }

        var here = Path.Combine(Directory.GetCurrentDirectory(), name);
        if (File.Exists(here))
        {
            return here;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        try
        {
            return (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<(string Text, bool Truncated)> ReadBoundedAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        var truncated = false;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var room = maxBytes - (int)kept.Length;
            if (room > 0)
            {
                kept.Write(buffer, 0, Math.Min(room, read));
            }

            truncated |= read > room;
        }

        return (Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length), truncated);
    }
}
