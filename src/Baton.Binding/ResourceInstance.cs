using Baton.Addresses;
using Baton.Spec.Declarations;
using Baton.Values;

namespace Baton.Binding;

/// <summary>One instance of a resource after <c>count</c>/<c>for_each</c> expansion: a node of the dependency graph.</summary>
public sealed record ResourceInstance
{
    /// <summary>The instance's address: <c>db</c>, <c>web[1]</c>, <c>site["eu"]</c>.</summary>
    public required ResourceAddress Address { get; init; }

    /// <summary>The resource it is an instance of.</summary>
    public required ResourceSpec Resource { get; init; }

    /// <summary>For <c>for_each</c> instances, <c>each.value</c>; for <c>count</c> instances, <c>count.index</c>.</summary>
    public Value? EachValue { get; init; }

    /// <inheritdoc />
    public override string ToString() => Address.ToString();
}
