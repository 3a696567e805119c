using System.Diagnostics;

namespace Baton.Providers.Tests.Host;

/// <summary>
/// The system's OpenSSH client (<c>/usr/bin/ssh</c>), strict about host keys, with no configuration, agent or
/// prompt: what the harness is checked with, since the product's SSH code is what the harness exists to test.
/// </summary>
internal static class SystemSsh
{
    private const string Program = "/usr/bin/ssh";

    /// <summary>
    /// Runs <paramref name="command"/> on <paramref name="host"/> as <paramref name="user"/> with the key
    /// <paramref name="identity"/> and only the host keys in <paramref name="knownHosts"/>; ssh joins the words into the
    /// remote shell's command line. Exit code 255 is ssh's own failure (connection, host key, authentication).
    /// </summary>
    public static async Task<HostExecResult> RunAsync(
        SshHost host,
        string user,
        string identity,
        string knownHosts,
        IReadOnlyList<string> command,
        int connectTimeoutSeconds = 10)
    {
        if (!System.IO.File.Exists(Program))
        {
            throw new InvalidOperationException($"{Program} is not installed: the SSH host tests need the Debian package openssh-client (test.sh installs it)");
        }

        var info = new ProcessStartInfo(Program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])
                 [
                     "-F", "/dev/null", "-i", identity, "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                     "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                     "-o", "BatchMode=yes", "-o", $"ConnectTimeout={connectTimeoutSeconds}", "-o", "LogLevel=ERROR",
                     "-p", host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{user}@{host.Address}", "--",
                 ])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var word in command)
        {
            info.ArgumentList.Add(word);
        }

        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"{Program} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            throw new TimeoutException($"ssh {user}@{host.Name} {string.Join(' ', command)} did not finish within 120 s: {await stderr}");
        }

        return new HostExecResult(process.ExitCode, await stdout, await stderr);
    }
}
