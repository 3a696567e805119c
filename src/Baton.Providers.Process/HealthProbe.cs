using System.Diagnostics;
using System.Net.Sockets;

namespace Baton.Providers.Process;

/// <summary>Runs one health probe against a replica: an HTTP GET (2xx/3xx passes), a TCP connect, or an exec (exit 0).</summary>
internal sealed class HealthProbe(HttpClient http)
{
    public async Task<bool> CheckAsync(HealthCheck check, ReplicaRecord replica, string workingDir, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(check.Timeout);
        try
        {
            if (check.HttpPath is { } path && replica.Port is { } httpPort)
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}{path}"), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                return (int)response.StatusCode is >= 200 and < 400;
            }

            if (check.Tcp && replica.Port is { } tcpPort)
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", tcpPort, timeout.Token);
                return true;
            }

            if (!check.Exec.IsEmpty)
            {
                var info = new ProcessStartInfo(check.Exec[0]) { WorkingDirectory = workingDir, UseShellExecute = false };
                foreach (var argument in check.Exec.Skip(1))
                {
                    info.ArgumentList.Add(argument);
                }

                if (replica.Port is { } port)
                {
                    info.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                using var process = System.Diagnostics.Process.Start(info)!;
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                    return process.ExitCode == 0;
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    throw;
                }
            }

            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception) when (exception is HttpRequestException or SocketException or IOException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
