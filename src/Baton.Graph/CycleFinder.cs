using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Baton.Graph;

/// <summary>Iterative Tarjan for the strongly connected components, then one shortest witness cycle per cyclic component.</summary>
internal static class CycleFinder
{
    public static ImmutableArray<DependencyCycle> Find(AdjacencyLists graph)
    {
        var component = StronglyConnectedComponents(graph, out var componentCount);
        var n = graph.NodeCount;
        var sizes = new int[componentCount];
        for (var v = 0; v < n; v++)
        {
            sizes[component[v]]++;
        }

        // The smallest member of each cyclic component, in ascending order: visiting ids ascending finds them sorted.
        var roots = new List<int>();
        var seen = new bool[componentCount];
        for (var v = 0; v < n; v++)
        {
            var c = component[v];
            if (seen[c])
            {
                continue;
            }

            seen[c] = true;
            if (sizes[c] > 1 || graph.Contains(v, v))
            {
                roots.Add(v);
            }
        }

        if (roots.Count == 0)
        {
            return [];
        }

        var members = GroupMembers(component, componentCount, sizes, out var memberOffsets);
        var parent = new int[n];
        var visitedBy = new int[n];
        var queue = new int[n];
        var cycles = ImmutableArray.CreateBuilder<DependencyCycle>(roots.Count);
        foreach (var root in roots)
        {
            var c = component[root];
            cycles.Add(new DependencyCycle
            {
                Path = ShortestCycleThrough(graph, root, component, parent, visitedBy, queue),
                Component = [.. members.AsSpan(memberOffsets[c], sizes[c])],
            });
        }

        return cycles.MoveToImmutable();
    }

    /// <summary>Tarjan's algorithm with an explicit call stack, so a 100,000-node chain cannot overflow the thread stack.</summary>
    internal static int[] StronglyConnectedComponents(AdjacencyLists graph, out int componentCount)
    {
        var n = graph.NodeCount;
        var offsets = graph.Offsets;
        var targets = graph.Targets;
        var index = new int[n]; // 0 = not visited yet; otherwise discovery number + 1
        var low = new int[n];
        var onStack = new bool[n];
        var stack = new int[n];
        var callNode = new int[n];
        var callEdge = new int[n];
        var component = new int[n];
        var stackSize = 0;
        var callSize = 0;
        var counter = 0;
        componentCount = 0;

        for (var root = 0; root < n; root++)
        {
            if (index[root] != 0)
            {
                continue;
            }

            index[root] = low[root] = ++counter;
            stack[stackSize++] = root;
            onStack[root] = true;
            callNode[0] = root;
            callEdge[0] = offsets[root];
            callSize = 1;

            while (callSize > 0)
            {
                var v = callNode[callSize - 1];
                var e = callEdge[callSize - 1];
                if (e < offsets[v + 1])
                {
                    callEdge[callSize - 1] = e + 1;
                    var w = targets[e];
                    if (index[w] == 0)
                    {
                        index[w] = low[w] = ++counter;
                        stack[stackSize++] = w;
                        onStack[w] = true;
                        callNode[callSize] = w;
                        callEdge[callSize] = offsets[w];
                        callSize++;
                    }
                    else if (onStack[w] && index[w] < low[v])
                    {
                        low[v] = index[w];
                    }

                    continue;
                }

                callSize--;
                if (low[v] == index[v])
                {
                    int w;
                    do
                    {
                        w = stack[--stackSize];
                        onStack[w] = false;
                        component[w] = componentCount;
                    }
                    while (w != v);
                    componentCount++;
                }

                if (callSize > 0)
                {
                    var caller = callNode[callSize - 1];
                    if (low[v] < low[caller])
                    {
                        low[caller] = low[v];
                    }
                }
            }
        }

        return component;
    }

    private static int[] GroupMembers(int[] component, int componentCount, int[] sizes, out int[] offsets)
    {
        offsets = new int[componentCount + 1];
        for (var c = 0; c < componentCount; c++)
        {
            offsets[c + 1] = offsets[c] + sizes[c];
        }

        var members = new int[component.Length];
        var cursor = new int[componentCount];
        Array.Copy(offsets, cursor, componentCount);
        for (var v = 0; v < component.Length; v++)
        {
            members[cursor[component[v]]++] = v;
        }

        return members;
    }

    /// <summary>Breadth-first search inside the root's component, so the witness is as short as any cycle through the root.</summary>
    private static ImmutableArray<int> ShortestCycleThrough(AdjacencyLists graph, int root, int[] component, int[] parent, int[] visitedBy, int[] queue)
    {
        var c = component[root];
        var stamp = root + 1; // roots are distinct, so stamps never collide across searches
        var head = 0;
        var tail = 0;
        queue[tail++] = root;
        visitedBy[root] = stamp;
        while (head < tail)
        {
            var x = queue[head++];
            foreach (var y in graph[x])
            {
                if (y == root)
                {
                    return PathTo(x, root, parent);
                }

                if (component[y] == c && visitedBy[y] != stamp)
                {
                    visitedBy[y] = stamp;
                    parent[y] = x;
                    queue[tail++] = y;
                }
            }
        }

        throw new InvalidOperationException("A strongly connected component without a cycle through its root.");
    }

    private static ImmutableArray<int> PathTo(int last, int root, int[] parent)
    {
        var length = 1;
        for (var v = last; v != root; v = parent[v])
        {
            length++;
        }

        var path = new int[length];
        var i = length - 1;
        for (var v = last; v != root; v = parent[v])
        {
            path[i--] = v;
        }

        path[0] = root;
        return ImmutableCollectionsMarshal.AsImmutableArray(path);
    }
}
