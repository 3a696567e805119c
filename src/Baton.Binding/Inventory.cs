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

    /// <summary>The groups that set <c>serial</c> or <c>max_fail_percentage</c>, with those settings.</summary>
    public ImmutableDictionary<string, HostRollout> Rollouts { get; init; } = ImmutableDictionary<string, HostRollout>.Empty;

    /// <summary>The names of the groups with a rollout, in the order written.</summary>
    public ImmutableArray<string> RolloutOrder { get; init; } = [];

    /// <summary>
    /// The group whose rollout a host follows: the first group, in the order written, that lists it and sets
    /// <c>serial</c> or <c>max_fail_percentage</c>; null when none does.
    /// </summary>
    public string? RolloutGroupOf(string host)
    {
        foreach (var group in RolloutOrder)
        {
            if (Groups.TryGetValue(group, out var members) && members.Contains(host))
            {
                return group;
            }
        }

        return null;
    }

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
