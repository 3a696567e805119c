namespace Baton.Testing;

/// <summary>
/// One host of an <see cref="SshHostFleet"/>: a container whose sshd listens on port 22, published on
/// <see cref="Address"/>:<see cref="Port"/>. Its port and host key stay the same across
/// <see cref="SshHostFleet.StopAsync(SshHost, CancellationToken)"/> and <see cref="SshHostFleet.StartAsync(SshHost, CancellationToken)"/>.
/// </summary>
public sealed record SshHost
{
    /// <summary>The host's position in the fleet, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>The container's name and the host's hostname: <c>PREFIX-N</c>, N from 1.</summary>
    public required string Name { get; init; }

    /// <summary>Where the host's sshd is reachable: always <c>127.0.0.1</c>.</summary>
    public required string Address { get; init; }

    /// <summary>The port on <see cref="Address"/> that leads to the host's port 22.</summary>
    public required int Port { get; init; }

    /// <summary>The Podman container's id.</summary>
    public required string ContainerId { get; init; }

    /// <summary>The host's only host key, as in a known_hosts file: <c>ssh-ed25519 AAAA…</c>.</summary>
    public required string HostKeyLine { get; init; }

    /// <summary>The host's line for a strict known_hosts file: <c>[127.0.0.1]:PORT ssh-ed25519 AAAA…</c>.</summary>
    public string KnownHostsLine => $"[{Address}]:{Port} {HostKeyLine}";
}
