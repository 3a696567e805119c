using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Binding;

/// <summary>
/// One remote host of the stack's inventory (<c>hosts:</c>), bound to variable values: where it is, how to reach it
/// over SSH, and its variables. A host listed by several groups is one host; its connection comes from the first
/// group that lists it and its variables merge group by group in the order written, then its own.
/// </summary>
public sealed record InventoryHost
{
    /// <summary>The host's name: its instance key (<c>conf["web1"]</c>) and its key in the provider's inventory.</summary>
    public required string Name { get; init; }

    /// <summary>The groups that list it, in the order written.</summary>
    public required ImmutableArray<string> Groups { get; init; }

    /// <summary>The host name or IP address to connect to.</summary>
    public required string Address { get; init; }

    /// <summary>The SSH port.</summary>
    public int Port { get; init; } = 22;

    /// <summary>The SSH user.</summary>
    public string User { get; init; } = "root";

    /// <summary>Whether commands run as <see cref="BecomeUser"/> (root by default) through <c>sudo -n</c>.</summary>
    public bool Become { get; init; }

    /// <summary>The user to become, when not root.</summary>
    public string? BecomeUser { get; init; }

    /// <summary>The private key's text, always sensitive; null when a file or the agent is used.</summary>
    public Value? PrivateKey { get; init; }

    /// <summary>The private key file, as written (relative to the stack directory or absolute).</summary>
    public string? PrivateKeyFile { get; init; }

    /// <summary>The known_hosts file the host's key is checked against, as written.</summary>
    public string? KnownHostsFile { get; init; }

    /// <summary>The host's variables: its groups', merged in order, then its own.</summary>
    public Value Vars { get; init; } = Value.EmptyMap;

    /// <summary>Where the host is written.</summary>
    public SourceSpan? Span { get; init; }

    /// <summary>
    /// What a resource's expressions see as <c>host</c>: name, address, port, user, group, groups and vars. Never a
    /// key: the connection's secrets are the provider's alone.
    /// </summary>
    public Value ToScopeValue() => Value.Map(
    [
        KeyValuePair.Create("name", Value.String(Name)),
        KeyValuePair.Create("address", Value.String(Address)),
        KeyValuePair.Create("port", Value.Number(Port)),
        KeyValuePair.Create("user", Value.String(User)),
        KeyValuePair.Create("group", Value.String(Groups.FirstOrDefault() ?? "")),
        KeyValuePair.Create("groups", Value.List(Groups.Select(Value.String))),
        KeyValuePair.Create("vars", Vars),
    ]);

    /// <summary>
    /// The host's entry in the <c>inventory</c> setting a provider is given: address, port, user, group, become,
    /// become_user, private_key (sensitive), private_key_file, known_hosts_file and vars; settings not given are left out.
    /// </summary>
    public Value ToConnectionValue()
    {
        var entries = new List<KeyValuePair<string, Value>>
        {
            KeyValuePair.Create("address", Value.String(Address)),
            KeyValuePair.Create("port", Value.Number(Port)),
            KeyValuePair.Create("user", Value.String(User)),
            KeyValuePair.Create("group", Value.String(Groups.FirstOrDefault() ?? "")),
            KeyValuePair.Create("become", Value.Bool(Become)),
            KeyValuePair.Create("vars", Vars),
        };
        if (BecomeUser is not null)
        {
            entries.Add(KeyValuePair.Create("become_user", Value.String(BecomeUser)));
        }

        if (PrivateKey is not null)
        {
            entries.Add(KeyValuePair.Create("private_key", PrivateKey));
        }

        if (PrivateKeyFile is not null)
        {
            entries.Add(KeyValuePair.Create("private_key_file", Value.String(PrivateKeyFile)));
        }

        if (KnownHostsFile is not null)
        {
            entries.Add(KeyValuePair.Create("known_hosts_file", Value.String(KnownHostsFile)));
        }

        return Value.Map(entries);
    }
}
