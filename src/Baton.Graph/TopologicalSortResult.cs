using System.Collections.Immutable;

namespace Baton.Graph;

/// <summary>The outcome of <see cref="DependencyGraph{TNode}.TopologicalOrder"/>.</summary>
public sealed record TopologicalSortResult
{
    /// <summary>
    /// Node ids, every node after all of its dependencies. When the graph has cycles this holds only the
    /// nodes that do not lie on a cycle and do not depend, directly or not, on one.
    /// </summary>
    public required ImmutableArray<int> Order { get; init; }

    /// <summary>One witness per cyclic strongly connected component; empty when the graph is a DAG.</summary>
    public required ImmutableArray<DependencyCycle> Cycles { get; init; }

    /// <summary>Whether the graph is acyclic, so <see cref="Order"/> holds every node.</summary>
    public bool IsSuccess => Cycles.IsEmpty;
}
