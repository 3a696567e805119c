namespace Baton.Providers.Container.Engine;

/// <summary>
/// TLS for a tcp endpoint: PEM files for the CA that signed the engine's certificate (the system's trust store when
/// null) and for a client certificate with its key (both or neither). <see cref="Verify"/> false accepts any server
/// certificate, for test engines only.
/// </summary>
internal sealed record DockerTls
{
    public string? CaCertificateFile { get; init; }

    public string? ClientCertificateFile { get; init; }

    public string? ClientKeyFile { get; init; }

    public bool Verify { get; init; } = true;
}
