using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baton.Providers.Container.Engine;

/// <summary>
/// A small client of the Docker Engine API (Docker, and Podman's compatible API) over one <see cref="HttpClient"/>:
/// a unix socket or TCP, with TLS when the endpoint has it. <see cref="ConnectAsync"/> negotiates the API version —
/// the engine's own, at most <see cref="MaximumApiVersion"/>, refused below <see cref="MinimumApiVersion"/> — and
/// every later request goes to <c>/vMAJOR.MINOR/…</c>. The client has no timeout of its own (streams such as a
/// build or an exec run as long as they need); a call's time limit is its cancellation token. Every failure is a
/// <see cref="DockerEngineException"/>, except the caller's own cancellation, which propagates as it is.
/// </summary>
internal sealed partial class DockerEngineClient : IDisposable
{
    /// <summary>The oldest API baton speaks (Docker 19.03).</summary>
    public static readonly Version MinimumApiVersion = new(1, 40);

    /// <summary>The newest API baton speaks (Docker 24); a newer engine is spoken to in this version.</summary>
    public static readonly Version MaximumApiVersion = new(1, 43);

    /// <summary>How long opening a connection may take before the engine counts as unreachable.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private string _prefix = "";

    private DockerEngineClient(DockerEndpoint endpoint, HttpMessageHandler handler)
    {
        Endpoint = endpoint;
        _http = new HttpClient(handler) { BaseAddress = endpoint.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    public DockerEndpoint Endpoint { get; }

    /// <summary>The API version every request uses, as negotiated by <see cref="ConnectAsync"/>.</summary>
    public Version ApiVersion { get; private set; } = MinimumApiVersion;

    /// <summary>
    /// The engine's name (<c>Engine</c> for Docker, <c>Podman Engine</c> for Podman) and its own version (not the
    /// API's), such as <c>4.3.1</c>, from <c>GET /version</c>: asked only when wanted, since an engine may take half a
    /// second to answer it (Podman gathers host information), far longer than any other call.
    /// </summary>
    public async Task<(string Name, string Version)> EngineAsync(CancellationToken cancellationToken)
    {
        var version = await CallAsync(HttpMethod.Get, "/version", null, cancellationToken);
        var name = version?["Components"] is JsonArray { Count: > 0 } components ? EngineJson.String(components[0], "Name") : "";
        return (name.Length > 0 ? name : "Engine", EngineJson.String(version, "Version"));
    }

    /// <summary>
    /// Connects to the engine at <paramref name="endpoint"/>: <c>GET /_ping</c> gives the API version in its
    /// <c>Api-Version</c> header (else <c>GET /version</c>'s <c>ApiVersion</c>). An engine below <see cref="MinimumApiVersion"/> is a permanent error.
    /// </summary>
    public static async Task<DockerEngineClient> ConnectAsync(DockerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var client = new DockerEngineClient(endpoint, CreateHandler(endpoint));
        try
        {
            await client.NegotiateAsync(cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The API version to speak with an engine that speaks <paramref name="server"/>: the lower of it and
    /// <see cref="MaximumApiVersion"/>; null when it is below <see cref="MinimumApiVersion"/>.
    /// </summary>
    public static Version? Negotiate(Version server)
    {
        var version = new Version(server.Major, Math.Max(server.Minor, 0));
        return version < MinimumApiVersion ? null : version > MaximumApiVersion ? MaximumApiVersion : version;
    }

    /// <summary>The handler: a unix socket connection for unix endpoints, TCP with TLS settings for tcp.</summary>
    internal static SocketsHttpHandler CreateHandler(DockerEndpoint endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        if (endpoint.SocketPath is { } socketPath)
        {
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        else if (endpoint.Tls is { } tls)
        {
            handler.SslOptions = TlsOptions(endpoint, tls);
        }

        return handler;
    }

    private static SslClientAuthenticationOptions TlsOptions(DockerEndpoint endpoint, DockerTls tls)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = endpoint.Host };
        try
        {
            if (tls.ClientCertificateFile is { } certificateFile && tls.ClientKeyFile is { } keyFile)
            {
                options.ClientCertificates = [X509Certificate2.CreateFromPemFile(certificateFile, keyFile)];
            }

            if (!tls.Verify)
            {
#pragma warning disable CA5359 // Verification off is what the endpoint's settings asked for (a test engine's self-signed certificate).
                options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
            }
            else if (tls.CaCertificateFile is { } caFile)
            {
                var authorities = new X509Certificate2Collection();
                authorities.ImportFromPemFile(caFile);
                options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is not null && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && ChainsTo(certificate, authorities);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new DockerEngineException($"cannot use the TLS files for the container engine at {endpoint}: {exception.Message}", null, isTransient: false, exception);
        }

        return options;
    }

    private static bool ChainsTo(X509Certificate certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private async Task NegotiateAsync(CancellationToken cancellationToken)
    {
        Version? server = null;
        using (var ping = await SendAsync(HttpMethod.Get, "/_ping", null, cancellationToken))
        {
            if (!ping.IsSuccessStatusCode)
            {
                throw await ErrorAsync(ping, cancellationToken);
            }

            if (ping.Headers.TryGetValues("Api-Version", out var values) && Version.TryParse(values.FirstOrDefault(), out var fromHeader))
            {
                server = fromHeader;
            }
        }

        // An engine that does not say it in /_ping's header says it in /version (slow on some engines: asked only then).
        if (server is null && !Version.TryParse(EngineJson.String(await CallAsync(HttpMethod.Get, "/version", null, cancellationToken), "ApiVersion"), out server))
        {
            throw new DockerEngineException($"the engine at {Endpoint} says neither in /_ping nor in /version which API version it speaks", null, isTransient: false);
        }

        ApiVersion = Negotiate(server) ?? throw new DockerEngineException(
            $"the engine at {Endpoint} speaks API {server.Major}.{server.Minor}; baton needs {MinimumApiVersion} or later", null, isTransient: false);
        _prefix = "/v" + ApiVersion.ToString(2);
    }

    /// <summary>
    /// Sends a request (to the negotiated <c>/vN.NN</c> path once connected) and returns the answer as soon as its
    /// headers arrived. An engine that cannot be reached or does not answer in time is transient; a TLS handshake
    /// that fails is permanent (a certificate does not fix itself).
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_prefix + path, UriKind.Relative)) { Content = content };
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            throw new DockerEngineException($"cannot reach the container engine at {Endpoint}: the TLS handshake failed: {Innermost(exception)}", null, isTransient: false, exception);
        }
        catch (HttpRequestException exception)
        {
            throw DockerEngineException.Unreachable(Endpoint, Innermost(exception), exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw DockerEngineException.Unreachable(Endpoint, "the connection timed out", exception);
        }
    }

    /// <summary>
    /// A call with a JSON answer: the parsed body of a 2xx answer (null when empty), null for 304 and, with
    /// <paramref name="notFoundIsNull"/>, for 404; any other status is the engine's error.
    /// </summary>
    private async Task<JsonNode?> CallAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken, bool notFoundIsNull = false)
    {
        using var content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(method, path, content, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified || (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound))
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken);
        }

        return EngineJson.Parse(await ReadStringAsync(response, cancellationToken));
    }

    private async Task<DockerEngineException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        DockerEngineException.FromResponse((int)response.StatusCode, await ReadStringAsync(response, cancellationToken));

    private async Task<string> ReadStringAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            throw DockerEngineException.Unreachable(Endpoint, "the connection broke during the answer: " + Innermost(exception), exception);
        }
    }

    /// <summary>
    /// The objects of a JSON-lines answer (pull, import, build), one per line. A line with <c>error</c> ends the
    /// stream with a permanent error carrying the engine's message plus <paramref name="context"/>'s text.
    /// </summary>
    private async IAsyncEnumerable<JsonObject> JsonLinesAsync(HttpResponseMessage response, Func<string>? context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            throw DockerEngineException.Unreachable(Endpoint, "the connection broke during the answer: " + Innermost(exception), exception);
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException)
            {
                throw DockerEngineException.Unreachable(Endpoint, "the connection broke during the answer: " + Innermost(exception), exception);
            }

            if (line is null)
            {
                yield break;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject? item;
            try
            {
                item = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                // Not every engine frames every line as JSON (old builders print plain progress); skip it.
                continue;
            }

            if (item is null)
            {
                continue;
            }

            if (item["error"] is not null || item["errorDetail"] is JsonObject)
            {
                var message = EngineJson.String(item, "error");
                message = message.Length > 0 ? message : EngineJson.String(item["errorDetail"], "message");
                var more = context?.Invoke();
                throw DockerEngineException.InStream(message.Trim() + (string.IsNullOrEmpty(more) ? "" : "\n" + more));
            }

            yield return item;
        }
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static string Seconds(TimeSpan timeout) =>
        ((long)Math.Ceiling(Math.Max(0, timeout.TotalSeconds))).ToString(CultureInfo.InvariantCulture);

    private static string Flag(bool value) => value ? "true" : "false";

    private static string Innermost(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner.Message;
    }
}
