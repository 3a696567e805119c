using System.Collections.Concurrent;
using System.Collections.Immutable;
using Baton.Binding;
using Baton.Values;

namespace Baton.Engine.Planning;

/// <summary>
/// The attributes of every resource instance as far as they are known — planned values during a plan, real values
/// as an apply goes — and the value each resource name stands for in expressions: one instance's attributes, a list
/// (count) or a map (for_each, and hosts: by host name) of them. Unknown until set.
/// </summary>
internal sealed class InstanceValues
{
    private readonly Dictionary<string, List<ResourceInstance>> _byResource = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Value> _attributes = new(StringComparer.Ordinal);

    public InstanceValues(IEnumerable<ResourceInstance> instances)
    {
        foreach (var instance in instances)
        {
            if (!_byResource.TryGetValue(instance.Resource.Name, out var list))
            {
                list = [];
                _byResource.Add(instance.Resource.Name, list);
            }

            list.Add(instance);
        }
    }

    /// <summary>The facts gathered from the stack's hosts, by host name: what <c>host.facts</c> is (unknown for a host with none).</summary>
    public IReadOnlyDictionary<string, State.HostFactsRecord> Facts { get; init; } = ImmutableDictionary<string, State.HostFactsRecord>.Empty;

    public void Set(string address, Value attributes) => _attributes[address] = attributes;

    public Value? Get(string address) => _attributes.TryGetValue(address, out var value) ? value : null;

    /// <summary>The value of the expression root <paramref name="resource"/>.</summary>
    public bool TryGetResource(string resource, out Value value)
    {
        if (!_byResource.TryGetValue(resource, out var instances))
        {
            value = Value.Null;
            return false;
        }

        var spec = instances[0].Resource;
        // A resource on hosts is a map by host name, as a for_each is.
        if (spec.Count is null && spec.ForEach is null && spec.Hosts.IsEmpty)
        {
            value = Attributes(instances[0]);
            return true;
        }

        if (spec.Count is not null)
        {
            var items = ImmutableArray.CreateBuilder<Value>(instances.Count);
            foreach (var instance in instances)
            {
                items.Add(Attributes(instance));
            }

            value = Value.List(items.MoveToImmutable());
            return true;
        }

        value = Value.Map(instances.Select(i => KeyValuePair.Create(i.Address.Key!.Text!, Attributes(i))));
        return true;
    }

    private Value Attributes(ResourceInstance instance) =>
        _attributes.TryGetValue(instance.Address.ToString(), out var value) ? value : Value.UnknownAny;
}
