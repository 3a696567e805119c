using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Baton.Providers;

/// <summary>
/// Runs a command to completion (<c>process.exec</c>, the workflow step <c>exec</c>): an argument list (no shell), stdin on nothing, stdout and
/// stderr each kept up to a limit and drained beyond it (so a chatty command never blocks on a full pipe), killed with
/// its children when the timeout passes.
/// </summary>
public static class CommandRunner
{
    /// <summary>How a command ended: its exit code and what it wrote, each stream kept up to the limit.</summary>
    /// <param name="ExitCode">The exit code (128 + N after signal N).</param>
    /// <param name="Stdout">What it wrote to stdout, up to the limit.</param>
    /// <param name="StdoutTruncated">Whether stdout went beyond the limit.</param>
    /// <param name="Stderr">What it wrote to stderr, up to the limit.</param>
    /// <param name="StderrTruncated">Whether stderr went beyond the limit.</param>
    public sealed record Outcome(int ExitCode, string Stdout, bool StdoutTruncated, string Stderr, bool StderrTruncated);

    /// <summary>Runs <paramref name="command"/>; null and an error when it could not start or did not finish in time.</summary>
    public static async Task<(Outcome? Outcome, string? Error)> RunAsync(
        IReadOnlyList<string> command, IReadOnlyDictionary<string, string> env, string workingDir, TimeSpan timeout, int maxBytes, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = workingDir,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        Process? process;
        try
        {
            process = Process.Start(info);
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
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                return (null, $"command \"{command[0]}\" did not finish within {timeout} and was killed");
            }
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
