using Baton.Providers.Container.Engine;

namespace Baton.Providers.Tests.Container;

public sealed class DockerEndpointTests
{
    [Fact]
    public void TryParse_UnixAddress_IsThatSocket()
    {
        Assert.True(DockerEndpoint.TryParse("unix:///run/podman/podman.sock", null, null, out var endpoint, out _));

        Assert.True(endpoint.IsUnix);
        Assert.Equal("/run/podman/podman.sock", endpoint.SocketPath);
        Assert.Null(endpoint.Tls);
        Assert.Equal("unix:///run/podman/podman.sock", endpoint.ToString());
        Assert.Equal(new Uri("http://localhost/"), endpoint.BaseAddress);
    }

    [Fact]
    public void TryParse_NoAddress_UsesDockerHost()
    {
        Assert.True(DockerEndpoint.TryParse(null, "tcp://10.0.0.5:2375", null, out var endpoint, out _));

        Assert.Equal(("10.0.0.5", 2375), (endpoint.Host, endpoint.Port));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", " ")]
    public void TryParse_NoAddressAndNoDockerHost_IsTheDefaultSocket(string? address, string? dockerHost)
    {
        Assert.True(DockerEndpoint.TryParse(address, dockerHost, null, out var endpoint, out _));

        Assert.Equal(DockerEndpoint.DefaultAddress, endpoint.ToString());
    }

    [Fact]
    public void TryParse_AddressAndDockerHost_PrefersTheAddress()
    {
        Assert.True(DockerEndpoint.TryParse("unix:///a.sock", "unix:///b.sock", null, out var endpoint, out _));

        Assert.Equal("/a.sock", endpoint.SocketPath);
    }

    [Theory]
    [InlineData("tcp://engine.example", "engine.example", 2375)]
    [InlineData("tcp://engine.example:1234", "engine.example", 1234)]
    [InlineData("http://127.0.0.1:8080/", "127.0.0.1", 8080)]
    [InlineData("TCP://[::1]:2375", "::1", 2375)]
    [InlineData("tcp://::1", "::1", 2375)]
    public void TryParse_TcpWithoutTls_IsPlainHttp(string address, string host, int port)
    {
        Assert.True(DockerEndpoint.TryParse(address, null, null, out var endpoint, out var error), error);

        Assert.Equal((host, port), (endpoint.Host, endpoint.Port));
        Assert.Null(endpoint.Tls);
        Assert.Equal("http", endpoint.BaseAddress.Scheme);
    }

    [Fact]
    public void TryParse_TcpWithTls_IsHttpsOnTheTlsPort()
    {
        var tls = new DockerTls { CaCertificateFile = "/etc/docker/ca.pem", ClientCertificateFile = "cert.pem", ClientKeyFile = "key.pem" };

        Assert.True(DockerEndpoint.TryParse("tcp://engine.example", null, tls, out var endpoint, out _));

        Assert.Equal(2376, endpoint.Port);
        Assert.Same(tls, endpoint.Tls);
        Assert.Equal(new Uri("https://engine.example:2376/"), endpoint.BaseAddress);
        Assert.Equal("tcp://engine.example:2376", endpoint.ToString());
    }

    [Fact]
    public void TryParse_HttpsWithoutTlsSettings_VerifiesAgainstTheSystemsTrust()
    {
        Assert.True(DockerEndpoint.TryParse("https://engine.example", null, null, out var endpoint, out _));

        Assert.NotNull(endpoint.Tls);
        Assert.True(endpoint.Tls.Verify);
        Assert.Null(endpoint.Tls.CaCertificateFile);
        Assert.Equal(2376, endpoint.Port);
    }

    [Theory]
    [InlineData("", "not an engine address")]
    [InlineData("docker.sock", "not an engine address")]
    [InlineData("ftp://engine", "the scheme ftp://")]
    [InlineData("unix://relative.sock", "absolute path")]
    [InlineData("unix://", "absolute path")]
    [InlineData("tcp://", "tcp://HOST")]
    [InlineData("tcp://engine:0", "port from 1 to 65535")]
    [InlineData("tcp://engine:70000", "port from 1 to 65535")]
    [InlineData("tcp://engine:port", "port from 1 to 65535")]
    [InlineData("tcp://engine:2375/v1.41", "nothing after it")]
    [InlineData("tcp://user@engine", "nothing after it")]
    [InlineData("tcp://[::1", "tcp://HOST")]
    public void TryParse_BadAddress_SaysWhy(string address, string reason)
    {
        Assert.False(DockerEndpoint.TryParse(address.Length == 0 ? "://" : address, null, null, out var endpoint, out var error));

        Assert.Null(endpoint);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_HttpWithTls_IsAnError()
    {
        Assert.False(DockerEndpoint.TryParse("http://engine", null, new DockerTls(), out _, out var error));

        Assert.Contains("does not use TLS", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_UnixWithTls_IsAnError()
    {
        Assert.False(DockerEndpoint.TryParse("unix:///var/run/docker.sock", null, new DockerTls(), out _, out var error));

        Assert.Contains("does not use TLS", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ClientCertificateWithoutKey_IsAnError()
    {
        Assert.False(DockerEndpoint.TryParse("tcp://engine", null, new DockerTls { ClientCertificateFile = "cert.pem" }, out _, out var error));

        Assert.Contains("give both or neither", error, StringComparison.Ordinal);
    }
}
