using System.Collections.Immutable;
using Baton.Runtime;

namespace Baton.Providers.Host;

/// <summary>A provider instance's settings, checked: the inventory and the limits of the transport.</summary>
internal sealed record HostOptions
{
    /// <summary>The hosts by name.</summary>
    public required ImmutableSortedDictionary<string, InventoryHost> Inventory { get; init; }

    /// <summary>How many hosts are worked on at once (default 50).</summary>
    public int Forks { get; init; } = 50;

    /// <summary>How many commands run at once on one host, each on its own channel of the host's one connection (default 8; OpenSSH allows 10 by default).</summary>
    public int SessionsPerHost { get; init; } = 8;

    /// <summary>How long connecting (TCP, key exchange, authentication) may take (default 10s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one remote command may run (default 5m).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock (how old gathered facts are).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// The local directory (setting <c>file_root</c>, default the stack directory) that host.copy reads and host.fetch
    /// writes in; null only for options made without a configuration, when both actions refuse.
    /// </summary>
    public PathConfinement? Files { get; init; }

    /// <summary>The host's template renderer, for host.template; null when the host offers none.</summary>
    public ITemplateRenderer? Templates { get; init; }
}
