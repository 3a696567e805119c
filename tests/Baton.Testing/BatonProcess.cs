using System.Diagnostics;

namespace Baton.Testing;

/// <summary>Runs the real baton command (the built CLI beside the tests) as a child process, from an argument list.</summary>
public sealed class BatonProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private BatonProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static string CliPath => Path.Combine(AppContext.BaseDirectory, "baton.dll");

    public static BatonProcess Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        return new BatonProcess(process);
    }

    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        return await process.WaitAsync(timeout);
    }

    public async Task<(int ExitCode, string Out, string Error)> WaitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"baton did not finish within {timeout}:\n{await _stdout}\n{await _stderr}");
        }

        return (_process.ExitCode, await _stdout, await _stderr);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The baton process's id.</summary>
    public int Pid => _process.Id;

    /// <summary>
    /// SIGKILL to the baton process alone, as the kernel's OOM killer or <c>kill -9 PID</c> would send it: whatever it
    /// started is left to fend for itself (unlike <see cref="Kill"/>, which also kills the processes under it).
    /// </summary>
    public void KillAlone()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        _process.WaitForExit();
    }

    /// <summary>SIGKILL: no chance to clean up, as in a crash or power loss of the process.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
