using System.Diagnostics.CodeAnalysis;

namespace Baton.Providers.Container.Engine;

/// <summary>
/// Where a Docker Engine API listens: a unix socket (<see cref="SocketPath"/>) or a TCP host and port, with
/// <see cref="Tls"/> when the connection is encrypted. <see cref="ToString"/> is the canonical address shown in
/// messages (<c>unix:///var/run/docker.sock</c>, <c>tcp://host:2376</c>).
/// </summary>
internal sealed record DockerEndpoint
{
    /// <summary>Where the engine listens when neither an address nor <c>DOCKER_HOST</c> says otherwise.</summary>
    public const string DefaultAddress = "unix:///var/run/docker.sock";

    /// <summary>The engine's port without TLS when an address gives none.</summary>
    public const int DefaultPlainPort = 2375;

    /// <summary>The engine's port with TLS when an address gives none.</summary>
    public const int DefaultTlsPort = 2376;

    /// <summary>The socket file of a unix endpoint; null for tcp.</summary>
    public string? SocketPath { get; init; }

    /// <summary>The host of a tcp endpoint; null for unix.</summary>
    public string? Host { get; init; }

    public int Port { get; init; }

    /// <summary>TLS settings when the tcp connection is encrypted; null for plain tcp and unix.</summary>
    public DockerTls? Tls { get; init; }

    public bool IsUnix => SocketPath is not null;

    /// <summary>The base address HTTP requests go to (a unix endpoint's host name is never resolved).</summary>
    public Uri BaseAddress => IsUnix
        ? new Uri("http://localhost/")
        : new UriBuilder(Tls is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps, Host, Port, "/").Uri;

    /// <summary>
    /// Parses <paramref name="address"/>, or when it is null or blank <paramref name="dockerHost"/> (the value of the
    /// <c>DOCKER_HOST</c> environment variable, passed in by the caller), or else <see cref="DefaultAddress"/>.
    /// Accepted: <c>unix:///absolute/path</c>, <c>tcp://host[:port]</c> (TLS when <paramref name="tls"/> is given),
    /// <c>http://host[:port]</c> (never TLS) and <c>https://host[:port]</c> (always TLS, the system's trust store
    /// when <paramref name="tls"/> is null). A wrong address or TLS setting is <paramref name="error"/>, a sentence
    /// naming what is wrong.
    /// </summary>
    public static bool TryParse(string? address, string? dockerHost, DockerTls? tls, [NotNullWhen(true)] out DockerEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        var text = !string.IsNullOrWhiteSpace(address) ? address.Trim()
            : !string.IsNullOrWhiteSpace(dockerHost) ? dockerHost.Trim()
            : DefaultAddress;
        if (tls is not null && (tls.ClientCertificateFile is null) != (tls.ClientKeyFile is null))
        {
            error = "a client certificate and its key go together: give both or neither";
            return false;
        }

        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            error = $"\"{text}\" is not an engine address such as unix:///var/run/docker.sock or tcp://host:2376";
            return false;
        }

        var scheme = text[..separator].ToLowerInvariant();
        var rest = text[(separator + 3)..];
        switch (scheme)
        {
            case "unix":
                if (!rest.StartsWith('/') || rest.Length == 1)
                {
                    error = $"\"{text}\" must name the socket by an absolute path, as in unix:///var/run/docker.sock";
                    return false;
                }

                if (tls is not null)
                {
                    error = $"\"{text}\" is a unix socket, which does not use TLS";
                    return false;
                }

                endpoint = new DockerEndpoint { SocketPath = rest };
                error = null;
                return true;
            case "tcp" or "http" or "https":
                if (scheme == "http" && tls is not null)
                {
                    error = $"\"{text}\" is plain http, which does not use TLS; use https:// or tcp://";
                    return false;
                }

                var useTls = scheme == "https" || (scheme == "tcp" && tls is not null);
                if (!TryParseHostAndPort(rest.TrimEnd('/'), useTls ? DefaultTlsPort : DefaultPlainPort, out var host, out var port))
                {
                    error = $"\"{text}\" must be {scheme}://HOST or {scheme}://HOST:PORT with a port from 1 to 65535 and nothing after it";
                    return false;
                }

                endpoint = new DockerEndpoint { Host = host, Port = port, Tls = useTls ? tls ?? new DockerTls() : null };
                error = null;
                return true;
            default:
                error = $"\"{text}\" has the scheme {scheme}://; an engine address is unix://, tcp://, http:// or https://";
                return false;
        }
    }

    public override string ToString() => IsUnix
        ? "unix://" + SocketPath
        : $"tcp://{(Host!.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}";

    private static bool TryParseHostAndPort(string text, int defaultPort, [NotNullWhen(true)] out string? host, out int port)
    {
        host = null;
        port = defaultPort;
        if (text.Length == 0 || text.IndexOfAny(['/', '?', '#', '@', ' ']) >= 0)
        {
            return false;
        }

        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 2)
            {
                return false;
            }

            host = text[1..close];
            portText = text[(close + 1)..];
            if (portText.Length > 0 && !portText.StartsWith(':'))
            {
                host = null;
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                // A bare IPv6 address must be bracketed to carry a port; take it whole.
                host = text;
                return System.Net.IPAddress.TryParse(text, out _);
            }

            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? "" : text[colon..];
        }

        if (host.Length == 0)
        {
            host = null;
            return false;
        }

        if (portText.Length > 0)
        {
            if (!int.TryParse(portText.AsSpan(1), System.Globalization.NumberStyles.None, null, out port) || port is < 1 or > 65535)
            {
                host = null;
                return false;
            }
        }

        return true;
    }
}
