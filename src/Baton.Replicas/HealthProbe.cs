using System.Net.Sockets;

namespace Baton.Replicas;

/// <summary>
/// Runs one health check against a replica: an HTTP GET of its port on 127.0.0.1 (2xx/3xx passes), a TCP connect, or an
/// exec the driver runs. A check that takes longer than its timeout fails.
/// </summary>
public sealed class HealthProbe(HttpClient http)
{
    /// <summary>True when the check passes; <paramref name="exec"/> runs an exec check within the given token.</summary>
    public async Task<bool> CheckAsync(HealthCheck check, int? port, Func<CancellationToken, Task<bool>> exec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(exec);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(check.Timeout);
        try
        {
            if (check.HttpPath is { } path && port is { } httpPort)
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}{path}"), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                return (int)response.StatusCode is >= 200 and < 400;
            }

            if (check.Tcp && port is { } tcpPort)
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", tcpPort, timeout.Token);
                return true;
            }

            return !check.Exec.IsEmpty && await exec(timeout.Token);
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
