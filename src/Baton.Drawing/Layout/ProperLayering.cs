using System.Collections.Immutable;
using Baton.Graph;

namespace Baton.Drawing.Layout;

/// <summary>
/// A DAG split into layers by longest path, with dummy vertices so that every edge joins adjacent layers.
/// Vertices <c>0..RealCount-1</c> are the graph's nodes; the rest are dummies. Edges point down: a dependency's
/// layer is above its dependent's.
/// </summary>
internal sealed class ProperLayering
{
    private ProperLayering(int realCount, int[] layer, int[][] up, int[][] down, int[] component, LayeredEdge[] edges, int[][] layers)
    {
        RealCount = realCount;
        Layer = layer;
        Up = up;
        Down = down;
        Component = component;
        Edges = edges;
        Layers = layers;
        Position = new int[layer.Length];
        foreach (var row in layers)
        {
            for (var i = 0; i < row.Length; i++)
            {
                Position[row[i]] = i;
            }
        }
    }

    public int RealCount { get; }

    public int VertexCount => Layer.Length;

    /// <summary>The layer of each vertex, 0 at the top.</summary>
    public int[] Layer { get; }

    /// <summary>The neighbours of each vertex in the layer above.</summary>
    public int[][] Up { get; }

    /// <summary>The neighbours of each vertex in the layer below.</summary>
    public int[][] Down { get; }

    /// <summary>The weakly connected component of each vertex, numbered by smallest node id.</summary>
    public int[] Component { get; }

    public LayeredEdge[] Edges { get; }

    /// <summary>The vertices of each layer, left to right. Change only through <see cref="SetLayer"/>.</summary>
    public int[][] Layers { get; }

    /// <summary>The index of each vertex within its layer.</summary>
    public int[] Position { get; }

    public bool IsDummy(int vertex) => vertex >= RealCount;

    public static ProperLayering Create<TNode>(DependencyGraph<TNode> graph, ImmutableArray<int> topologicalOrder)
    {
        var n = graph.NodeCount;
        var offsets = new int[n + 1];
        var targets = new int[graph.EdgeCount];
        for (var v = 0; v < n; v++)
        {
            var dependencies = graph.Dependencies(v);
            dependencies.CopyTo(targets.AsSpan(offsets[v]));
            offsets[v + 1] = offsets[v] + dependencies.Length;
        }

        var layer = new int[n];
        var layerCount = n == 0 ? 0 : 1;
        foreach (var v in topologicalOrder)
        {
            var depth = 0;
            for (var e = offsets[v]; e < offsets[v + 1]; e++)
            {
                depth = Math.Max(depth, layer[targets[e]] + 1);
            }

            layer[v] = depth;
            layerCount = Math.Max(layerCount, depth + 1);
        }

        var vertexCount = n;
        var downDegree = new int[n];
        for (var v = 0; v < n; v++)
        {
            for (var e = offsets[v]; e < offsets[v + 1]; e++)
            {
                var u = targets[e];
                vertexCount += layer[v] - layer[u] - 1;
                downDegree[u]++;
            }
        }

        var vertexLayer = new int[vertexCount];
        var up = new int[vertexCount][];
        var down = new int[vertexCount][];
        var downFill = new int[n];
        for (var v = 0; v < n; v++)
        {
            vertexLayer[v] = layer[v];
            up[v] = new int[offsets[v + 1] - offsets[v]];
            down[v] = new int[downDegree[v]];
        }

        var edges = new LayeredEdge[targets.Length];
        var next = n;
        for (var v = 0; v < n; v++)
        {
            for (var e = offsets[v]; e < offsets[v + 1]; e++)
            {
                var u = targets[e];
                var chain = new int[layer[v] - layer[u] - 1];
                var above = u;
                var downSlot = downFill[u]++;
                for (var i = 0; i < chain.Length; i++)
                {
                    var dummy = next++;
                    chain[i] = dummy;
                    vertexLayer[dummy] = layer[u] + i + 1;
                    up[dummy] = [above];
                    down[dummy] = new int[1];
                    if (i == 0)
                    {
                        down[u][downSlot] = dummy;
                    }
                    else
                    {
                        down[above][0] = dummy;
                    }

                    above = dummy;
                }

                var upSlot = e - offsets[v];
                up[v][upSlot] = above;
                if (chain.Length == 0)
                {
                    down[u][downSlot] = v;
                }
                else
                {
                    down[above][0] = v;
                }

                edges[e] = new LayeredEdge(v, u, chain, downSlot, upSlot);
            }
        }

        var component = Components(up, down, n);
        return new ProperLayering(n, vertexLayer, up, down, component, edges, InitialOrder(vertexLayer, down, component, n, layerCount));
    }

    /// <summary>Replaces the order of one layer; <paramref name="vertices"/> must be a permutation of it.</summary>
    public void SetLayer(int layer, int[] vertices)
    {
        Layers[layer] = vertices;
        for (var i = 0; i < vertices.Length; i++)
        {
            Position[vertices[i]] = i;
        }
    }

    public int[][] SnapshotOrder()
    {
        var copy = new int[Layers.Length][];
        for (var l = 0; l < Layers.Length; l++)
        {
            copy[l] = (int[])Layers[l].Clone();
        }

        return copy;
    }

    public void RestoreOrder(int[][] order)
    {
        for (var l = 0; l < order.Length; l++)
        {
            SetLayer(l, (int[])order[l].Clone());
        }
    }

    /// <summary>The number of crossing pairs of edge segments over all adjacent layer pairs.</summary>
    public long CountCrossings()
    {
        long total = 0;
        var tree = new int[VertexCount + 1];
        var scratch = new List<int>();
        for (var l = 0; l + 1 < Layers.Length; l++)
        {
            total += CountCrossings(l, tree, scratch);
        }

        return total;
    }

    /// <summary>
    /// Crossings between layer <paramref name="upper"/> and the next: with segments sorted by upper position and
    /// then lower position, every inversion of the lower positions is a crossing. Counted with a Fenwick tree in
    /// O(E log V), after Barth, Jünger and Mutzel.
    /// </summary>
    private long CountCrossings(int upper, int[] tree, List<int> scratch)
    {
        var size = Layers[upper + 1].Length;
        Array.Clear(tree, 0, size + 1);
        long crossings = 0;
        var inserted = 0;
        foreach (var u in Layers[upper])
        {
            scratch.Clear();
            foreach (var w in Down[u])
            {
                scratch.Add(Position[w]);
            }

            scratch.Sort();
            foreach (var p in scratch)
            {
                var notGreater = 0;
                for (var i = p + 1; i > 0; i -= i & -i)
                {
                    notGreater += tree[i];
                }

                crossings += inserted - notGreater;
                for (var i = p + 1; i <= size; i += i & -i)
                {
                    tree[i]++;
                }

                inserted++;
            }
        }

        return crossings;
    }

    private static int[] Components(int[][] up, int[][] down, int realCount)
    {
        var component = new int[up.Length];
        Array.Fill(component, -1);
        var stack = new Stack<int>();
        var count = 0;
        for (var root = 0; root < realCount; root++)
        {
            if (component[root] >= 0)
            {
                continue;
            }

            component[root] = count;
            stack.Push(root);
            while (stack.Count > 0)
            {
                var v = stack.Pop();
                foreach (var w in up[v])
                {
                    if (component[w] < 0)
                    {
                        component[w] = count;
                        stack.Push(w);
                    }
                }

                foreach (var w in down[v])
                {
                    if (component[w] < 0)
                    {
                        component[w] = count;
                        stack.Push(w);
                    }
                }
            }

            count++;
        }

        return component;
    }

    /// <summary>
    /// Depth-first from the top-layer nodes, component by component and by id, so that related vertices start
    /// out near each other (Gansner et al.'s <c>init_order</c>).
    /// </summary>
    private static int[][] InitialOrder(int[] layer, int[][] down, int[] component, int realCount, int layerCount)
    {
        var rows = new List<int>[layerCount];
        for (var l = 0; l < layerCount; l++)
        {
            rows[l] = [];
        }

        var roots = new List<int>();
        for (var v = 0; v < realCount; v++)
        {
            if (layer[v] == 0)
            {
                roots.Add(v);
            }
        }

        // Stable, so roots stay in id order within a component.
        var ordered = roots.OrderBy(v => component[v]).ToArray();
        var visited = new bool[layer.Length];
        var stack = new Stack<int>();
        foreach (var root in ordered)
        {
            stack.Push(root);
            while (stack.Count > 0)
            {
                var v = stack.Pop();
                if (visited[v])
                {
                    continue;
                }

                visited[v] = true;
                rows[layer[v]].Add(v);
                var children = down[v];
                for (var i = children.Length - 1; i >= 0; i--)
                {
                    if (!visited[children[i]])
                    {
                        stack.Push(children[i]);
                    }
                }
            }
        }

        var result = new int[layerCount][];
        for (var l = 0; l < layerCount; l++)
        {
            result[l] = [.. rows[l]];
        }

        return result;
    }
}
