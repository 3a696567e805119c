using Baton.Values;
using Renci.SshNet;

namespace Baton.Providers.Host;

/// <summary>One host of the provider's inventory: where it is, who logs in with which key, and how to trust it.</summary>
internal sealed record InventoryHost
{
    /// <summary>The inventory's name of the host, which resources name in <c>host</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The hostname or IP address to connect to.</summary>
    public required string Address { get; init; }

    /// <summary>The SSH port.</summary>
    public int Port { get; init; } = 22;

    /// <summary>The user to log in as.</summary>
    public required string User { get; init; }

    /// <summary>The private key (read from the key text or file); never shown.</summary>
    public required IPrivateKeySource Key { get; init; }

    /// <summary>The host keys the server must present one of.</summary>
    public required KnownHosts KnownHosts { get; init; }

    /// <summary>Whether commands run as root (or <see cref="BecomeUser"/>) through <c>sudo -n</c>.</summary>
    public bool Become { get; init; }

    /// <summary>The user <c>become</c> runs commands as; root when null.</summary>
    public string? BecomeUser { get; init; }

    /// <summary>The inventory group the host belongs to, if any (templates see it as <c>host.group</c>).</summary>
    public string? Group { get; init; }

    /// <summary>The host's vars from the inventory, a map (templates see them as <c>host.vars</c>).</summary>
    public Value Vars { get; init; } = Value.EmptyMap;

    /// <summary>How the host is named in messages: its name and where it is.</summary>
    public string Display => $"host {Name} ({User}@{Address}:{Port})";
}
