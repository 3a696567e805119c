using System.Collections.Immutable;

namespace Baton.Graph;

/// <summary>The heaviest dependency chain of a DAG, from <see cref="DependencyGraph{TNode}.CriticalPath(Func{int, double})"/>.</summary>
public sealed record CriticalPathResult
{
    /// <summary>The sum of the weights of the nodes on <see cref="Nodes"/>; 0 for an empty graph.</summary>
    public required double Length { get; init; }

    /// <summary>The path in execution order: each node is a dependency of the one after it.</summary>
    public required ImmutableArray<int> Nodes { get; init; }

    /// <summary>The sum of the weights of all nodes: the work a scheduler has to get through.</summary>
    public required double TotalWeight { get; init; }

    /// <summary>The lower bound on finishing this graph with <paramref name="parallelism"/> workers.</summary>
    public double LowerBound(int parallelism) => LowerBound(Length, TotalWeight, parallelism);

    /// <summary>
    /// No schedule can beat <c>max(critical path, total work ÷ parallelism)</c>: the critical path runs
    /// one node after another, and the workers cannot do more than <paramref name="parallelism"/> units at once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parallelism"/> is less than 1.</exception>
    public static double LowerBound(double criticalPathLength, double totalWeight, int parallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        return Math.Max(criticalPathLength, totalWeight / parallelism);
    }
}
