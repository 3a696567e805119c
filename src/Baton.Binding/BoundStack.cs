using System.Collections.Immutable;
using Baton.Graph;
using Baton.Spec.Declarations;
using Baton.Values;

namespace Baton.Binding;

/// <summary>A stack bound to its variable values: resources expanded into instances and ordered by their dependencies.</summary>
public sealed record BoundStack
{
    /// <summary>The stack as written.</summary>
    public required StackSpec Spec { get; init; }

    /// <summary>Every declared variable's value (unknown where none was given and none was required).</summary>
    public required ImmutableSortedDictionary<string, Value> Variables { get; init; }

    /// <summary>The remote hosts of <c>hosts:</c>, bound.</summary>
    public Inventory Inventory { get; init; } = Inventory.Empty;

    /// <summary>The notifications between resources (<c>notifies:</c> and <c>subscribes:</c>), in the order written.</summary>
    public ImmutableArray<BoundNotification> Notifications { get; init; } = [];

    /// <summary>The dependency graph of resource instances; an edge runs from a dependent to what it depends on.</summary>
    public required DependencyGraph<ResourceInstance> Graph { get; init; }

    /// <summary>Whether the graph has no cycles (and so can be walked).</summary>
    public required bool IsAcyclic { get; init; }
}
