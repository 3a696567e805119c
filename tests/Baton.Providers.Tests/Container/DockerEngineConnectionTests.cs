using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Baton.Providers.Container.Engine;
using Baton.Providers.Tests.Conformance;

namespace Baton.Providers.Tests.Container;

/// <summary>Negotiation, TLS and errors against a <see cref="FakeEngine"/>, for what Podman 4.3 cannot show.</summary>
public sealed class DockerEngineConnectionTests : IDisposable
{
    private readonly TempDirectory _files = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    private CancellationToken Token => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task ConnectAsync_EngineAboveOurMaximum_SpeaksOurMaximum()
    {
        await using var engine = new FakeEngine(FakeEngine.Engine("1.45", "1.45"));

        using var client = await DockerEngineClient.ConnectAsync(Endpoint($"tcp://127.0.0.1:{engine.Port}"), Token);
        await client.InspectImageAsync("team/web:1", Token);

        Assert.Equal(new Version(1, 43), client.ApiVersion);

        // /_ping named the API version, so the slow /version is asked only when someone wants the engine's name.
        Assert.Equal(["GET /_ping", "GET /v1.43/images/team/web%3A1/json"], engine.Requests);
        Assert.Equal(("Engine", "99.1"), await client.EngineAsync(Token));
    }

    [Fact]
    public async Task ConnectAsync_PingWithoutApiVersion_TakesTheVersionFromVersion()
    {
        await using var engine = new FakeEngine(FakeEngine.Engine(null, "1.40"));

        using var client = await DockerEngineClient.ConnectAsync(Endpoint($"http://127.0.0.1:{engine.Port}"), Token);

        Assert.Equal(new Version(1, 40), client.ApiVersion);
        Assert.Equal(["GET /_ping", "GET /version"], engine.Requests);
    }

    [Fact]
    public async Task ConnectAsync_EngineBelowOurMinimum_IsRefusedNamingBothVersions()
    {
        await using var engine = new FakeEngine(FakeEngine.Engine("1.39", "1.39"));

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => DockerEngineClient.ConnectAsync(Endpoint($"tcp://127.0.0.1:{engine.Port}"), Token));

        Assert.Equal($"the engine at tcp://127.0.0.1:{engine.Port} speaks API 1.39; baton needs 1.40 or later", error.Message);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task ConnectAsync_ConnectionRefused_IsTransientAndNamesTheEndpoint()
    {
        var port = LoopbackPort.Free();

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => DockerEngineClient.ConnectAsync(Endpoint($"tcp://127.0.0.1:{port}"), Token));

        Assert.True(error.IsTransient);
        Assert.StartsWith($"cannot reach the container engine at tcp://127.0.0.1:{port}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Call_ServerErrorWithoutAPermanentCause_IsTransientWithTheEnginesMessage()
    {
        await using var engine = new FakeEngine(FakeEngine.Engine("1.41", more: (_, path) =>
            path.Contains("/containers/", StringComparison.Ordinal) ? new FakeAnswer(500, """{"cause":"database is locked","message":"reading the state: database is locked","response":500}""") : null));
        using var client = await DockerEngineClient.ConnectAsync(Endpoint($"tcp://127.0.0.1:{engine.Port}"), Token);

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => client.InspectContainerAsync("web", Token));

        Assert.Equal(("reading the state: database is locked", 500, true), (error.Message, error.StatusCode, error.IsTransient));
    }

    [Fact]
    public async Task ConnectAsync_TlsWithTheEnginesCa_ConnectsWithTheClientCertificate()
    {
        var (ca, server, clientCertificate, clientKey) = Certificates();
        using var _ = server;
        await using var engine = new FakeEngine(FakeEngine.Engine("1.41"), server);
        var tls = new DockerTls { CaCertificateFile = ca, ClientCertificateFile = clientCertificate, ClientKeyFile = clientKey };

        using var client = await DockerEngineClient.ConnectAsync(Endpoint($"tcp://127.0.0.1:{engine.Port}", tls), Token);

        Assert.Equal(new Version(1, 41), client.ApiVersion);
        Assert.True(engine.SawClientCertificate);
    }

    [Fact]
    public async Task ConnectAsync_TlsWithAnotherCa_FailsPermanently()
    {
        var (_, server, _, _) = Certificates();
        var (otherCa, _, _, _) = Certificates("other");
        using var _ = server;
        await using var engine = new FakeEngine(FakeEngine.Engine("1.41"), server);

        var error = await Assert.ThrowsAsync<DockerEngineException>(() =>
            DockerEngineClient.ConnectAsync(Endpoint($"tcp://127.0.0.1:{engine.Port}", new DockerTls { CaCertificateFile = otherCa }), Token));

        Assert.False(error.IsTransient);
        Assert.Contains("TLS handshake failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_TlsWithoutVerification_AcceptsAnyCertificate()
    {
        var (_, server, _, _) = Certificates();
        using var _ = server;
        await using var engine = new FakeEngine(FakeEngine.Engine("1.41"), server);

        using var client = await DockerEngineClient.ConnectAsync(Endpoint($"https://127.0.0.1:{engine.Port}", new DockerTls { Verify = false }), Token);

        Assert.Equal(new Version(1, 41), client.ApiVersion);
    }

    [Fact]
    public async Task ConnectAsync_TlsFilesMissing_FailsPermanentlyNamingTheEndpoint()
    {
        var tls = new DockerTls { CaCertificateFile = _files.Combine("missing-ca.pem") };

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => DockerEngineClient.ConnectAsync(Endpoint("tcp://127.0.0.1:1", tls), Token));

        Assert.False(error.IsTransient);
        Assert.StartsWith("cannot use the TLS files for the container engine at tcp://127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }

    private static DockerEndpoint Endpoint(string address, DockerTls? tls = null) =>
        DockerEndpoint.TryParse(address, null, tls, out var endpoint, out var error) ? endpoint : throw new InvalidOperationException(error);

    /// <summary>A CA (its PEM file), a server certificate for 127.0.0.1 it signed, and a client certificate and key (PEM files) it signed.</summary>
    private (string Ca, X509Certificate2 Server, string ClientCertificate, string ClientKey) Certificates(string name = "engine")
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=baton test {name} ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var serverPublic = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        // SslStream wants a certificate whose key it can use on every platform: round-trip through PKCS#12.
        using var serverWithKey = serverPublic.CopyWithPrivateKey(serverKey);
        var server = X509CertificateLoader.LoadPkcs12(serverWithKey.Export(X509ContentType.Pkcs12), null);

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=baton", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var client = clientRequest.Create(ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        var caFile = _files.Combine(name + "-ca.pem");
        var clientFile = _files.Combine(name + "-cert.pem");
        var keyFile = _files.Combine(name + "-key.pem");
        System.IO.File.WriteAllText(caFile, ca.ExportCertificatePem());
        System.IO.File.WriteAllText(clientFile, client.ExportCertificatePem());
        System.IO.File.WriteAllText(keyFile, clientKey.ExportPkcs8PrivateKeyPem());
        return (caFile, server, clientFile, keyFile);
    }
}
