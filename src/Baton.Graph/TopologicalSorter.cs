using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Baton.Graph;

/// <summary>Kahn's algorithm with a min-heap of ready nodes, so ties always go to the smallest id.</summary>
internal static class TopologicalSorter
{
    public static ImmutableArray<int> Sort(AdjacencyLists dependencies, AdjacencyLists dependents, out bool complete)
    {
        var n = dependencies.NodeCount;
        var waitingOn = new int[n];
        var ready = new MinIntHeap(Math.Min(n, 1024));
        for (var v = 0; v < n; v++)
        {
            // A self-edge counts here and is never released, which is what keeps a self-looping node out.
            waitingOn[v] = dependencies.Offsets[v + 1] - dependencies.Offsets[v];
            if (waitingOn[v] == 0)
            {
                ready.Push(v);
            }
        }

        var order = new int[n];
        var count = 0;
        var offsets = dependents.Offsets;
        var targets = dependents.Targets;
        while (ready.Count > 0)
        {
            var v = ready.Pop();
            order[count++] = v;
            for (var e = offsets[v]; e < offsets[v + 1]; e++)
            {
                var dependent = targets[e];
                if (--waitingOn[dependent] == 0)
                {
                    ready.Push(dependent);
                }
            }
        }

        complete = count == n;
        if (!complete)
        {
            Array.Resize(ref order, count);
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(order);
    }
}
