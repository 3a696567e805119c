using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Baton.Providers.Tests.Container;

/// <summary>
/// A loopback HTTP/1.1 server, plain or TLS, answering every request from a handler — for what the real Podman
/// cannot show: TLS endpoints, engines that speak other API versions, errors on demand. One request per connection.
/// </summary>
public sealed class FakeEngine : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, string, FakeAnswer> _handler;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requests = [];
    private readonly Task _loop;

    /// <summary>Serves with <paramref name="handler"/> (method, path and query → answer); TLS with <paramref name="certificate"/>, asking for a client certificate.</summary>
    public FakeEngine(Func<string, string, FakeAnswer> handler, X509Certificate2? certificate = null)
    {
        _handler = handler;
        _certificate = certificate;
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Whether a TLS client presented a certificate.</summary>
    public bool SawClientCertificate { get; private set; }

    /// <summary>The requests so far, as <c>GET /v1.41/_ping</c>.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>An engine answering <c>/_ping</c> with <paramref name="apiVersion"/> (no header when null) and <c>/version</c> with <paramref name="versionApi"/>.</summary>
    public static Func<string, string, FakeAnswer> Engine(string? apiVersion, string versionApi = "1.41", Func<string, string, FakeAnswer?>? more = null) => (method, path) =>
        more?.Invoke(method, path) ?? (path.EndsWith("/_ping", StringComparison.Ordinal)
            ? new FakeAnswer(200, "OK", apiVersion is null ? null : new Dictionary<string, string> { ["Api-Version"] = apiVersion })
            : path.EndsWith("/version", StringComparison.Ordinal)
                ? new FakeAnswer(200, $$"""{"Version":"99.1","ApiVersion":"{{versionApi}}","Components":[{"Name":"Engine","Version":"99.1"}]}""")
                : new FakeAnswer(404, """{"message":"page not found"}"""));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            Stream stream = client.GetStream();
            if (_certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = true,
                    // Any client certificate (the test only asks whether one came), or none.
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    {
                        SawClientCertificate |= certificate is not null;
                        return certificate is not null || errors == SslPolicyErrors.RemoteCertificateNotAvailable;
                    },
                }, _stop.Token);
                stream = tls;
            }

            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, _stop.Token) == 1)
            {
                head.Append((char)one[0]);
            }

            var requestLine = head.ToString().Split("\r\n")[0].Split(' ');
            if (requestLine.Length < 2)
            {
                return;
            }

            lock (_requests)
            {
                _requests.Add(requestLine[0] + " " + requestLine[1]);
            }

            var answer = _handler(requestLine[0], requestLine[1]);
            var body = Encoding.UTF8.GetBytes(answer.Body);
            var response = new StringBuilder($"HTTP/1.1 {answer.Status} Fake\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n");
            foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
            {
                response.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(response.Append("\r\n").ToString()), _stop.Token);
            await stream.WriteAsync(body, _stop.Token);
            await stream.FlushAsync(_stop.Token);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            // A client that gave up (a refused certificate), or the server stopping.
        }
    }
}
