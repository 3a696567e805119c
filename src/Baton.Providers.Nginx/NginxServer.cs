using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Baton.Runtime;

namespace Baton.Providers.Nginx;

/// <summary>
/// The provider's private nginx under one base directory: <c>nginx.conf</c> (written here; pid, logs and temp paths
/// all under the base directory; <c>include sites/*.conf</c>; no default server), the site files, and the master
/// process. nginx daemonises itself (its own session, stdio on /dev/null), so the master outlives baton; it is known
/// by the pid in <c>nginx.pid</c> plus its start time, recorded in <c>master.identity</c> when baton started it.
/// Not thread-safe: the provider serialises calls.
/// </summary>
internal sealed class NginxServer(string binary, string baseDirectory, TimeProvider time)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    public string BaseDirectory { get; } = baseDirectory;

    public string SitesDirectory => Path.Combine(BaseDirectory, "sites");

    public string ConfigFile => Path.Combine(BaseDirectory, "nginx.conf");

    private string PidFile => Path.Combine(BaseDirectory, "nginx.pid");

    private string IdentityFile => Path.Combine(BaseDirectory, "master.identity");

    private string ErrorLog => Path.Combine(BaseDirectory, "error.log");

    public string SiteFile(string id) => Path.Combine(SitesDirectory, id + ".conf");

    /// <summary>Writes <c>nginx.conf</c> and the directories it names.</summary>
    public void Prepare()
    {
        Directory.CreateDirectory(SitesDirectory);
        var temp = Path.Combine(BaseDirectory, "temp");
        foreach (var name in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            Directory.CreateDirectory(Path.Combine(temp, name));
        }

        var builder = new StringBuilder();
        builder.Append("# Written by baton; changes are overwritten.\n");
        if (Environment.UserName == "root")
        {
            // As root nginx would switch its workers to nobody, who cannot read the base directory.
            builder.Append("user root;\n");
        }

        builder.Append("worker_processes 1;\n");
        builder.Append("pid ").Append(SiteSpec.Quote(PidFile)).Append(";\n");
        builder.Append("error_log ").Append(SiteSpec.Quote(ErrorLog)).Append(" notice;\n");
        builder.Append("events {\n    worker_connections 512;\n}\n");
        builder.Append("http {\n");
        builder.Append("    access_log ").Append(SiteSpec.Quote(Path.Combine(BaseDirectory, "access.log"))).Append(";\n");
        foreach (var name in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            builder.Append("    ").Append(name).Append("_temp_path ").Append(SiteSpec.Quote(Path.Combine(temp, name))).Append(";\n");
        }

        builder.Append("    include ").Append(SiteSpec.Quote(Path.Combine(SitesDirectory, "*.conf"))).Append(";\n");
        builder.Append("}\n");
        var text = builder.ToString();
        if (!File.Exists(ConfigFile) || File.ReadAllText(ConfigFile) != text)
        {
            WriteAtomically(ConfigFile, text);
        }
    }

    /// <summary>Writes a file through a temp file and a rename, so nginx never reads half of it.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text, new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Runs <c>nginx -t</c> on the whole configuration; null when it passes, else nginx's own message.</summary>
    public async Task<string?> TestAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(["-t", "-q"], cancellationToken);
        return exitCode == 0 ? null : output;
    }

    /// <summary>The running master's pid, when baton started it and it is still that process.</summary>
    public int? MasterPid()
    {
        try
        {
            var parts = File.ReadAllText(IdentityFile).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ProcessGroups.IsAlive(pid, ticks))
            {
                return pid;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Starts the master when none runs, else reloads it and waits for the new workers. Null on success, else why not.</summary>
    public async Task<string?> StartOrReloadAsync(CancellationToken cancellationToken) =>
        MasterPid() is { } pid ? await ReloadAsync(pid, cancellationToken) : await StartAsync(cancellationToken);

    /// <summary>Stops the master (QUIT, then KILL after 10 s), verified by pid and start time.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (MasterPid() is not { } pid)
        {
            return;
        }

        MasterSignals.Send(pid, MasterSignals.Quit);
        if (!await WaitAsync(() => MasterPid() is null, TimeSpan.FromSeconds(10), cancellationToken) && MasterPid() is { } still)
        {
            MasterSignals.Send(still, MasterSignals.Kill);
            await WaitAsync(() => MasterPid() is null, TimeSpan.FromSeconds(5), cancellationToken);
        }

        File.Delete(IdentityFile);
    }

    /// <summary>Null when <paramref name="address"/>:<paramref name="port"/> can be bound right now, else why not.</summary>
    public static string? CannotBind(string address, int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Parse(address), port);
            listener.Start();
            listener.Stop();
            return null;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return $"port {port} on {address} is already in use by another process";
        }
        catch (SocketException exception)
        {
            return $"port {port} on {address} cannot be bound: {exception.Message}";
        }
    }

    /// <summary>Waits until <paramref name="address"/>:<paramref name="port"/> accepts a connection.</summary>
    public async Task<bool> AcceptsAsync(string address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient(IPAddress.Parse(address).AddressFamily);
                await client.ConnectAsync(IPAddress.Parse(address), port, cancellationToken);
                return true;
            }
            catch (SocketException)
            {
            }

            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
        }
    }

    private async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync([], cancellationToken);
        if (exitCode != 0)
        {
            return output;
        }

        // The command returns once the daemon has forked; the master writes its pid file as it starts.
        int? master = null;
        await WaitAsync(
            () =>
            {
                master = ReadPidFile() is { } pid && ProcessGroups.StartTicks(pid) is not null ? pid : null;
                return master is not null;
            },
            TimeSpan.FromSeconds(10),
            cancellationToken);
        if (master is not { } started || ProcessGroups.StartTicks(started) is not { } ticks)
        {
            return "nginx started but its master did not stay up; see " + ErrorLog + ":\n" + Tail(0);
        }

        WriteAtomically(IdentityFile, started.ToString(CultureInfo.InvariantCulture) + " " + ticks.ToString(CultureInfo.InvariantCulture));
        return null;
    }

    private async Task<string?> ReloadAsync(int pid, CancellationToken cancellationToken)
    {
        // A reload the master cannot apply (a port taken since nginx -t) is only logged: watch the error log for the
        // master's verdict on this reload, new workers or an [emerg].
        var offset = File.Exists(ErrorLog) ? new FileInfo(ErrorLog).Length : 0;
        MasterSignals.Send(pid, MasterSignals.Hup);
        string? verdict = null;
        var done = await WaitAsync(
            () =>
            {
                var text = Tail(offset);
                var reconfigured = text.IndexOf("reconfiguring", StringComparison.Ordinal);
                if (reconfigured < 0)
                {
                    return false;
                }

                var after = text[reconfigured..];
                var emerg = after.IndexOf("[emerg]", StringComparison.Ordinal);
                if (emerg >= 0)
                {
                    var end = after.IndexOf('\n', emerg);
                    verdict = "nginx: " + (end < 0 ? after[emerg..] : after[emerg..end]).Trim();
                    return true;
                }

                return after.Contains("start worker process ", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(10),
            cancellationToken);
        if (!done)
        {
            return "nginx did not finish reloading within 10s; see " + ErrorLog;
        }

        if (verdict is null)
        {
            // Old workers close their listening sockets as they start shutting down; until then they may still take
            // new connections with the old configuration. A worker busy with a long request may take longer: go on.
            await WaitAsync(() => Tail(offset).Contains("gracefully shutting down", StringComparison.Ordinal), TimeSpan.FromSeconds(5), cancellationToken);
        }

        return verdict;
    }

    private int? ReadPidFile()
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string Tail(long offset)
    {
        try
        {
            using var stream = new FileStream(ErrorLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (!condition())
        {
            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), time, cancellationToken);
        }

        return true;
    }

    /// <summary>Runs nginx with the base directory's configuration and <paramref name="arguments"/>; its exit code and output.</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = BaseDirectory,
        };
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(BaseDirectory + "/");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(ConfigFile);
        info.ArgumentList.Add("-e");
        info.ArgumentList.Add(ErrorLog);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{binary} did not start");
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            var output = (await stdout + await stderr).Trim();
            return (process.ExitCode, output);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill();
            return (-1, $"{binary} {string.Join(' ', info.ArgumentList)} did not finish within {CommandTimeout.TotalSeconds:0}s");
        }
    }
}
