using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Binding;

/// <summary>The stack's remote hosts (<c>hosts:</c>), bound: every host once, and the hosts of each group.</summary>
public sealed record Inventory
{
    /// <summary>The name that means every host of the inventory.</summary>
    public const string AllGroup = "all";

    /// <summary>The setting under which a provider is given the inventory: a map from host name to its connection.</summary>
    public const string ProviderSetting = "inventory";

    /// <summary>An inventory with no hosts.</summary>
    public static Inventory Empty { get; } = new() { Hosts = [], Groups = ImmutableDictionary<string, ImmutableArray<string>>.Empty };

    /// <summary>Every host, in the order first written.</summary>
    public required ImmutableArray<InventoryHost> Hosts { get; init; }

    /// <summary>Each group's host names, in the order written.</summary>
    public required ImmutableDictionary<string, ImmutableArray<string>> Groups { get; init; }

    /// <summary>The host named <paramref name="name"/>, or null.</summary>
    public InventoryHost? Find(string name) => Hosts.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// The hosts a resource's <c>hosts:</c> names — groups, single hosts, or <c>all</c> — once each, in the order
    /// written; null (with the unknown name) when a name is neither a group nor a host.
    /// </summary>
    public ImmutableArray<InventoryHost>? Select(IEnumerable<string> names, out string? unknown)
    {
        ArgumentNullException.ThrowIfNull(names);
        unknown = null;
        var chosen = new List<InventoryHost>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            IEnumerable<InventoryHost> hosts;
            if (name == AllGroup)
            {
                hosts = Hosts;
            }
            else if (Groups.TryGetValue(name, out var members))
            {
                hosts = members.Select(m => Find(m)!);
            }
            else if (Find(name) is { } single)
            {
                hosts = [single];
            }
            else
            {
                unknown = name;
                return null;
            }

            chosen.AddRange(hosts.Where(h => seen.Add(h.Name)));
        }

        return [.. chosen];
    }

    /// <summary>The <c>inventory</c> setting of a provider: each host's name to its connection (<see cref="InventoryHost.ToConnectionValue"/>).</summary>
    public Value ToProviderSetting() => Value.Map(Hosts.Select(h => KeyValuePair.Create(h.Name, h.ToConnectionValue())));
}
