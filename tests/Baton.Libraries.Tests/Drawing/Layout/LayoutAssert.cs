using Baton.Libraries.Tests.Graph;
using Baton.Drawing.Layout;
using Baton.Graph;

namespace Baton.Libraries.Tests.Drawing.Layout;

/// <summary>The invariants every <see cref="GraphLayout"/> must keep, checked against its graph.</summary>
internal static class LayoutAssert
{
    private const double Tolerance = 1e-6;

    public static void Valid<T>(DependencyGraph<T> graph, GraphLayout layout, LayeredLayoutOptions options)
    {
        Assert.Equal(graph.NodeCount, layout.Nodes.Length);
        Assert.Equal(graph.EdgeCount, layout.Edges.Length);
        for (var v = 0; v < graph.NodeCount; v++)
        {
            var node = layout.Nodes[v];
            Assert.Equal(v, node.Id);
            var depth = 0;
            foreach (var u in graph.Dependencies(v))
            {
                depth = Math.Max(depth, layout.Nodes[u].Layer + 1);
            }

            Assert.Equal(depth, node.Layer);
            Inside(layout, node.X, node.Y);
            Inside(layout, node.X + node.Width, node.Y + node.Height);
        }

        Layers(layout, options);
        Edges(graph, layout);
    }

    /// <summary>Crossings counted from the drawn segments; meaningful when every box has the same height.</summary>
    public static long GeometricCrossings(GraphLayout layout)
    {
        var byGap = new Dictionary<int, List<(double Top, double Bottom)>>();
        foreach (var edge in layout.Edges)
        {
            var layer = layout.Nodes[edge.Dependency].Layer;
            for (var k = 0; 2 * k + 1 < edge.Points.Length; k++)
            {
                if (!byGap.TryGetValue(layer + k, out var segments))
                {
                    segments = [];
                    byGap[layer + k] = segments;
                }

                segments.Add((edge.Points[2 * k].X, edge.Points[2 * k + 1].X));
            }
        }

        long crossings = 0;
        foreach (var segments in byGap.Values)
        {
            for (var i = 0; i < segments.Count; i++)
            {
                for (var j = i + 1; j < segments.Count; j++)
                {
                    if ((segments[i].Top - segments[j].Top) * (segments[i].Bottom - segments[j].Bottom) < 0)
                    {
                        crossings++;
                    }
                }
            }
        }

        return crossings;
    }

    /// <summary>A text form of the whole layout, for comparing two of them.</summary>
    public static string Print(GraphLayout layout) =>
        FormattableString.Invariant($"{layout.Width}x{layout.Height} L{layout.LayerCount} C{layout.Crossings}\n")
        + string.Join("\n", layout.Nodes.Select(n => FormattableString.Invariant($"{n.Id}: {n.X},{n.Y} {n.Width}x{n.Height} {n.Layer}/{n.Order}")))
        + "\n"
        + string.Join("\n", layout.Edges.Select(e => $"{e.Dependent}->{e.Dependency}: " + string.Join(" ", e.Points.Select(p => FormattableString.Invariant($"{p.X},{p.Y}")))));

    private static void Layers(GraphLayout layout, LayeredLayoutOptions options)
    {
        foreach (var layer in layout.Nodes.GroupBy(n => n.Layer))
        {
            var row = layer.OrderBy(n => n.Order).ToList();
            for (var i = 0; i < row.Count; i++)
            {
                Assert.Equal(i, row[i].Order);
                if (i > 0)
                {
                    var gap = row[i].X - (row[i - 1].X + row[i - 1].Width);
                    Assert.True(gap >= options.HorizontalSpacing - Tolerance, $"layer {layer.Key}: nodes {row[i - 1].Id} and {row[i].Id} are {gap} apart");
                }
            }
        }

        // Every box of a layer lies wholly above every box of the next.
        var bottoms = layout.Nodes.GroupBy(n => n.Layer).ToDictionary(g => g.Key, g => g.Max(n => n.Y + n.Height));
        foreach (var node in layout.Nodes)
        {
            if (node.Layer > 0)
            {
                Assert.True(node.Y >= bottoms[node.Layer - 1] + options.LayerGap - Tolerance, $"node {node.Id} overlaps the layer above");
            }
        }
    }

    private static void Edges<T>(DependencyGraph<T> graph, GraphLayout layout)
    {
        var expected = TestGraphs.Edges(graph);
        Assert.Equal(expected, layout.Edges.Select(e => (e.Dependent, e.Dependency)).ToList());
        foreach (var edge in layout.Edges)
        {
            var from = layout.Nodes[edge.Dependency];
            var to = layout.Nodes[edge.Dependent];
            Assert.True(from.Layer < to.Layer, $"edge {edge.Dependent}->{edge.Dependency} does not run downwards");
            Assert.Equal(2 * (to.Layer - from.Layer - 1) + 2, edge.Points.Length);

            var first = edge.Points[0];
            Assert.Equal(from.Y + from.Height, first.Y, Tolerance);
            Assert.InRange(first.X, from.X, from.X + from.Width);
            var last = edge.Points[^1];
            Assert.Equal(to.Y, last.Y, Tolerance);
            Assert.InRange(last.X, to.X, to.X + to.Width);
            for (var i = 1; i < edge.Points.Length; i++)
            {
                Assert.True(edge.Points[i].Y >= edge.Points[i - 1].Y - Tolerance, $"edge {edge.Dependent}->{edge.Dependency} turns upwards");
                Inside(layout, edge.Points[i].X, edge.Points[i].Y);
            }

            // Through an intermediate layer an edge runs straight down.
            for (var i = 1; i + 1 < edge.Points.Length; i += 2)
            {
                Assert.Equal(edge.Points[i].X, edge.Points[i + 1].X);
            }
        }
    }

    private static void Inside(GraphLayout layout, double x, double y)
    {
        Assert.InRange(x, -Tolerance, layout.Width + Tolerance);
        Assert.InRange(y, -Tolerance, layout.Height + Tolerance);
    }
}
