using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Baton.Graph;

/// <summary>Longest paths by dynamic programming over a topological order.</summary>
internal static class LongestPath
{
    /// <summary>
    /// For each node in <paramref name="order"/> (dependencies first), the node count of the longest chain of
    /// dependents from it, itself included; nodes missing from the order get 0.
    /// </summary>
    public static int[] ChainLengths(AdjacencyLists dependents, ImmutableArray<int> order, int nodeCount)
    {
        var length = new int[nodeCount];
        var offsets = dependents.Offsets;
        var targets = dependents.Targets;
        for (var k = order.Length - 1; k >= 0; k--)
        {
            var v = order[k];
            var longest = 0;
            for (var e = offsets[v]; e < offsets[v + 1]; e++)
            {
                longest = Math.Max(longest, length[targets[e]]);
            }

            length[v] = longest + 1;
        }

        return length;
    }

    public static CriticalPathResult Find(AdjacencyLists dependencies, ImmutableArray<int> order, ReadOnlySpan<double> weights)
    {
        var n = dependencies.NodeCount;
        var offsets = dependencies.Offsets;
        var targets = dependencies.Targets;
        var finish = new double[n];
        var previous = new int[n];
        var total = 0.0;
        var best = -1;
        foreach (var v in order)
        {
            // Dependencies are scanned in ascending id and only a strictly longer one replaces the choice,
            // so ties go to the smallest id.
            var start = 0.0;
            var from = -1;
            for (var e = offsets[v]; e < offsets[v + 1]; e++)
            {
                var u = targets[e];
                if (from < 0 || finish[u] > start)
                {
                    start = finish[u];
                    from = u;
                }
            }

            finish[v] = start + weights[v];
            previous[v] = from;
            total += weights[v];
            if (best < 0 || finish[v] > finish[best] || (finish[v] == finish[best] && v < best))
            {
                best = v;
            }
        }

        if (best < 0)
        {
            return new CriticalPathResult { Length = 0, Nodes = [], TotalWeight = 0 };
        }

        var length = 0;
        for (var v = best; v >= 0; v = previous[v])
        {
            length++;
        }

        var path = new int[length];
        var i = length - 1;
        for (var v = best; v >= 0; v = previous[v])
        {
            path[i--] = v;
        }

        return new CriticalPathResult
        {
            Length = finish[best],
            Nodes = ImmutableCollectionsMarshal.AsImmutableArray(path),
            TotalWeight = total,
        };
    }
}
