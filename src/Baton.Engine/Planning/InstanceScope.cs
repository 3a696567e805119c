using Baton.Expressions;
using Baton.Binding;
using Baton.Values;

namespace Baton.Engine.Planning;

/// <summary>
/// What one resource instance's expressions see: variables, <c>each</c>/<c>count</c>/<c>host</c>, the stack, and
/// resources. <c>host</c> is the inventory's entry with <c>facts</c> added: those gathered from the host, or unknown
/// (known after apply) when none are.
/// </summary>
internal sealed class InstanceScope(Value variables, Value stack, ResourceInstance? instance, InstanceValues values, IExpressionHost host) : IEvaluationScope
{
    // The instance's host with its facts, made on first use: every host.* reference of the instance reads it.
    private Value? _host;

    public IExpressionHost Host { get; } = host;

    public bool TryGetRoot(string name, out Value value)
    {
        switch (name)
        {
            case "var":
                value = variables;
                return true;
            case "stack":
                value = stack;
                return true;
            case "count" when instance?.Resource.Count is not null && instance.EachValue is not null:
                value = Value.Map([KeyValuePair.Create("index", instance.EachValue)]);
                return true;
            case "host" when instance is { Resource.Hosts.IsEmpty: false, EachValue: { Kind: ValueKind.Map } host }:
                value = _host ??= WithFacts(host);
                return true;
            case "each" when instance?.Resource.ForEach is not null && instance.EachValue is not null:
                value = Value.Map([KeyValuePair.Create("key", Value.String(instance.Address.Key!.Text!)), KeyValuePair.Create("value", instance.EachValue)]);
                return true;
            default:
                return values.TryGetResource(name, out value);
        }
    }

    private Value WithFacts(Value host)
    {
        var map = host.AsMap();
        var facts = map.TryGetValue("name", out var name) && name.Kind == ValueKind.String && values.Facts.TryGetValue(name.AsString(), out var found)
            ? found.Facts
            : Value.UnknownAny;
        return Value.Map(map.SetItem("facts", facts));
    }
}
