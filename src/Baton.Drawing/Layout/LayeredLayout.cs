using System.Runtime.InteropServices;
using Baton.Graph;

namespace Baton.Drawing.Layout;

/// <summary>
/// Lays out a <see cref="DependencyGraph{TNode}"/> in layers, Sugiyama style: every node sits below everything it
/// depends on, edges run downwards from a dependency to its dependents, and the drawing tries to keep crossings
/// few and edges straight.
/// </summary>
/// <remarks>
/// <para>
/// The steps: layers by longest path from the nodes with no dependencies (so layer 0 holds them and the layer
/// count is the longest chain); a dummy vertex wherever an edge crosses a layer; crossing reduction by
/// alternating barycentre and median sweeps with neighbour swaps, keeping the best ordering seen; x positions
/// by repeated least-squares placement over neighbours under order and spacing constraints; y positions by
/// layer. Weakly connected components stay side by side, in order of their smallest node id.
/// </para>
/// <para>
/// Deterministic: the same graph, sizes and options give the same layout, with ties broken by node id. Costs
/// O(S · (V' + E') log V') for S sweeps over the graph with its dummies.
/// </para>
/// </remarks>
public static class LayeredLayout
{
    /// <summary>Lays out a DAG.</summary>
    /// <param name="graph">The graph to lay out; it must have no cycles.</param>
    /// <param name="options">Sizes and effort; <see cref="LayeredLayoutOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="nodeSize">
    /// The box size of each node id, for example from its label length; every node gets
    /// <see cref="LayeredLayoutOptions.NodeWidth"/> × <see cref="LayeredLayoutOptions.NodeHeight"/> when
    /// <see langword="null"/>.
    /// </param>
    /// <exception cref="InvalidOperationException">The graph has a cycle.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or option is negative, infinite or NaN.</exception>
    public static GraphLayout Compute<TNode>(
        DependencyGraph<TNode> graph,
        LayeredLayoutOptions? options = null,
        Func<int, (double Width, double Height)>? nodeSize = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        options ??= LayeredLayoutOptions.Default;
        options.Validate();
        var layering = CreateLayering(graph);
        var n = graph.NodeCount;
        if (n == 0)
        {
            return new GraphLayout
            {
                Nodes = [],
                Edges = [],
                Width = 2 * options.Margin,
                Height = 2 * options.Margin,
                LayerCount = 0,
                Crossings = 0,
            };
        }

        var width = new double[layering.VertexCount];
        var height = new double[n];
        for (var v = 0; v < n; v++)
        {
            var (w, h) = nodeSize is null ? (options.NodeWidth, options.NodeHeight) : nodeSize(v);
            LayeredLayoutOptions.CheckLength(w, nameof(nodeSize));
            LayeredLayoutOptions.CheckLength(h, nameof(nodeSize));
            width[v] = w;
            height[v] = h;
        }

        var crossings = CrossingReducer.Reduce(layering, options.CrossingSweeps);
        var x = CoordinateAssigner.Assign(layering, width, options.HorizontalSpacing, options.PositioningPasses);
        return Assemble(layering, x, width, height, crossings, options);
    }

    /// <summary>The layering with its initial ordering, before crossing reduction.</summary>
    internal static ProperLayering CreateLayering<TNode>(DependencyGraph<TNode> graph)
    {
        var order = graph.TopologicalOrder();
        if (!order.IsSuccess)
        {
            throw new InvalidOperationException("The graph has a cycle; a layered layout needs a DAG. Check FindCycles() first.");
        }

        return ProperLayering.Create(graph, order.Order);
    }

    private static GraphLayout Assemble(ProperLayering layering, double[] x, double[] width, double[] height, long crossings, LayeredLayoutOptions options)
    {
        var n = layering.RealCount;
        var layerCount = layering.Layers.Length;
        var layerHeight = new double[layerCount];
        for (var v = 0; v < n; v++)
        {
            layerHeight[layering.Layer[v]] = Math.Max(layerHeight[layering.Layer[v]], height[v]);
        }

        var layerTop = new double[layerCount];
        var bottom = options.Margin;
        for (var l = 0; l < layerCount; l++)
        {
            layerTop[l] = l == 0 ? options.Margin : layerTop[l - 1] + layerHeight[l - 1] + options.LayerGap;
            bottom = layerTop[l] + layerHeight[l];
        }

        var right = 0.0;
        for (var v = 0; v < x.Length; v++)
        {
            x[v] += options.Margin;
            right = Math.Max(right, x[v] + (width[v] / 2));
        }

        var nodes = new LayoutNode[n];
        foreach (var row in layering.Layers)
        {
            var order = 0;
            foreach (var v in row)
            {
                if (layering.IsDummy(v))
                {
                    continue;
                }

                var l = layering.Layer[v];
                nodes[v] = new LayoutNode
                {
                    Id = v,
                    X = x[v] - (width[v] / 2),
                    Y = layerTop[l] + ((layerHeight[l] - height[v]) / 2),
                    Width = width[v],
                    Height = height[v],
                    Layer = l,
                    Order = order++,
                };
            }
        }

        var downRank = Ranks(layering, layering.Down, n);
        var upRank = Ranks(layering, layering.Up, n);
        var edges = new LayoutEdge[layering.Edges.Length];
        for (var e = 0; e < edges.Length; e++)
        {
            var edge = layering.Edges[e];
            var from = nodes[edge.Dependency];
            var to = nodes[edge.Dependent];
            var points = new LayoutPoint[(2 * edge.Chain.Length) + 2];
            points[0] = new LayoutPoint(Port(from, downRank[edge.Dependency][edge.DownSlot], layering.Down[edge.Dependency].Length), from.Y + from.Height);
            var p = 1;
            foreach (var dummy in edge.Chain)
            {
                var l = layering.Layer[dummy];
                points[p++] = new LayoutPoint(x[dummy], layerTop[l]);
                points[p++] = new LayoutPoint(x[dummy], layerTop[l] + layerHeight[l]);
            }

            points[p] = new LayoutPoint(Port(to, upRank[edge.Dependent][edge.UpSlot], layering.Up[edge.Dependent].Length), to.Y);
            edges[e] = new LayoutEdge
            {
                Dependent = edge.Dependent,
                Dependency = edge.Dependency,
                Points = ImmutableCollectionsMarshal.AsImmutableArray(points),
            };
        }

        return new GraphLayout
        {
            Nodes = ImmutableCollectionsMarshal.AsImmutableArray(nodes),
            Edges = ImmutableCollectionsMarshal.AsImmutableArray(edges),
            Width = right + options.Margin,
            Height = bottom + options.Margin,
            LayerCount = layerCount,
            Crossings = crossings,
        };
    }

    /// <summary>
    /// Edges leave and enter a box at evenly spread ports, in the left-to-right order of the vertices at their other
    /// ends, so fanning edges do not cross at the box.
    /// </summary>
    private static double Port(LayoutNode node, int rank, int count) => node.X + (node.Width * (rank + 1) / (count + 1));

    /// <summary>For each graph node, the left-to-right rank of each of its neighbour slots.</summary>
    private static int[][] Ranks(ProperLayering layering, int[][] neighbours, int realCount)
    {
        var ranks = new int[realCount][];
        for (var v = 0; v < realCount; v++)
        {
            var slots = neighbours[v];
            var bySlot = new int[slots.Length];
            for (var i = 0; i < slots.Length; i++)
            {
                bySlot[i] = i;
            }

            Array.Sort(bySlot, (a, b) => layering.Position[slots[a]].CompareTo(layering.Position[slots[b]]));
            var rank = new int[slots.Length];
            for (var r = 0; r < bySlot.Length; r++)
            {
                rank[bySlot[r]] = r;
            }

            ranks[v] = rank;
        }

        return ranks;
    }
}
