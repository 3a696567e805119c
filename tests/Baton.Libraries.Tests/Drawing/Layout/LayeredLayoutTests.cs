using Baton.Libraries.Tests.Graph;
using Baton.Drawing.Layout;

namespace Baton.Libraries.Tests.Drawing.Layout;

public sealed class LayeredLayoutTests
{
    private static readonly LayeredLayoutOptions Options = LayeredLayoutOptions.Default;

    [Fact]
    public void Compute_EmptyGraph_HasOnlyMargins()
    {
        var graph = TestGraphs.Build(0);

        var layout = LayeredLayout.Compute(graph);

        Assert.Empty(layout.Nodes);
        Assert.Empty(layout.Edges);
        Assert.Equal(0, layout.LayerCount);
        Assert.Equal(2 * Options.Margin, layout.Width);
        Assert.Equal(2 * Options.Margin, layout.Height);
    }

    [Fact]
    public void Compute_SingleNode_SitsInsideTheMargin()
    {
        var layout = LayeredLayout.Compute(TestGraphs.Build(1));

        var node = Assert.Single(layout.Nodes);
        Assert.Equal(new LayoutNode { Id = 0, X = 16, Y = 16, Width = 160, Height = 40, Layer = 0, Order = 0 }, node);
        Assert.Equal(160 + 32, layout.Width);
        Assert.Equal(40 + 32, layout.Height);
        Assert.Equal(1, layout.LayerCount);
    }

    [Fact]
    public void Compute_Chain_StacksNodesInOneStraightColumn()
    {
        var edges = Enumerable.Range(1, 49).Select(v => (v, v - 1)).ToArray();
        var graph = TestGraphs.Build(50, edges);

        var layout = LayeredLayout.Compute(graph);

        LayoutAssert.Valid(graph, layout, Options);
        Assert.Equal(50, layout.LayerCount);
        Assert.All(layout.Nodes, n => Assert.Equal(n.Id, n.Layer));
        Assert.All(layout.Nodes, n => Assert.Equal(layout.Nodes[0].X, n.X, 6));
        Assert.All(layout.Edges, e => Assert.Equal(e.Points[0].X, e.Points[1].X, 6));
        Assert.Equal(0, layout.Crossings);
    }

    [Fact]
    public void Compute_WideFanOut_SpreadsDependentsAndCentresTheirDependency()
    {
        var edges = Enumerable.Range(1, 200).Select(v => (v, 0)).ToArray();
        var graph = TestGraphs.Build(201, edges);

        var layout = LayeredLayout.Compute(graph);

        LayoutAssert.Valid(graph, layout, Options);
        Assert.Equal(2, layout.LayerCount);
        Assert.Equal(200, layout.Nodes.Count(n => n.Layer == 1));
        var children = layout.Nodes.Skip(1).ToList();
        Assert.Equal(children.Average(n => n.CenterX), layout.Nodes[0].CenterX, 6);
        Assert.Equal((200 * 160) + (199 * 32) + 32, layout.Width, 6);
        Assert.Equal(0, layout.Crossings);
    }

    [Fact]
    public void Compute_WideFanIn_PutsTheDependentBelowEveryDependency()
    {
        var edges = Enumerable.Range(0, 200).Select(v => (200, v)).ToArray();
        var graph = TestGraphs.Build(201, edges);

        var layout = LayeredLayout.Compute(graph);

        LayoutAssert.Valid(graph, layout, Options);
        Assert.Equal(1, layout.Nodes[200].Layer);
        Assert.Equal(0, layout.Crossings);
    }

    [Fact]
    public void Compute_DisconnectedComponents_KeepsEachComponentTogether()
    {
        // Components {0, 2, 4} and {1, 3}; ids interleave on purpose.
        var graph = TestGraphs.Build(6, (2, 0), (4, 2), (4, 0), (3, 1));

        var layout = LayeredLayout.Compute(graph);

        LayoutAssert.Valid(graph, layout, Options);
        Assert.Equal(0, layout.Crossings);
        Assert.True(layout.Nodes[0].X < layout.Nodes[1].X);
        Assert.True(layout.Nodes[1].X < layout.Nodes[5].X);
        Assert.True(layout.Nodes[2].X < layout.Nodes[3].X);
    }

    [Fact]
    public void Compute_EdgeSpanningLayers_RunsThroughOneBendPairPerCrossedLayer()
    {
        var graph = TestGraphs.Build(4, (1, 0), (2, 1), (3, 2), (3, 0));

        var layout = LayeredLayout.Compute(graph);

        LayoutAssert.Valid(graph, layout, Options);
        var longEdge = Assert.Single(layout.Edges, e => e is { Dependent: 3, Dependency: 0 });
        Assert.Equal(6, longEdge.Points.Length);
        Assert.Equal(layout.Nodes[1].Y, longEdge.Points[1].Y);
        Assert.Equal(layout.Nodes[2].Y + layout.Nodes[2].Height, longEdge.Points[4].Y);
    }

    [Fact]
    public void Compute_CrossingInInitialOrder_IsUncrossed()
    {
        // Depth-first, the top layer is 0 1 2 and the next 3 4, so 4->1 crosses 3->2; putting 2 before 1 fixes it.
        var graph = TestGraphs.Build(5, (3, 0), (3, 2), (4, 1), (4, 2));

        var initial = LayeredLayout.CreateLayering(graph).CountCrossings();
        var layout = LayeredLayout.Compute(graph);

        LayoutAssert.Valid(graph, layout, Options);
        Assert.Equal(1, initial);
        Assert.Equal(0, layout.Crossings);
        Assert.Equal(0, LayoutAssert.GeometricCrossings(layout));
        Assert.True(layout.Nodes[2].X < layout.Nodes[1].X);
    }

    [Fact]
    public void Compute_NodeSizes_AreUsedForBoxesAndSpacing()
    {
        var graph = TestGraphs.Build(3, (1, 0), (2, 0));

        var layout = LayeredLayout.Compute(graph, nodeSize: v => (50 + (100 * v), 20 + (10 * v)));

        LayoutAssert.Valid(graph, layout, Options);
        Assert.Equal([50.0, 150.0, 250.0], layout.Nodes.Select(n => n.Width));
        Assert.Equal([20.0, 30.0, 40.0], layout.Nodes.Select(n => n.Height));
        // Layer 1 is as tall as its tallest box, and the shorter one is centred in it.
        Assert.Equal(layout.Nodes[2].Y + 5, layout.Nodes[1].Y);
    }

    [Fact]
    public void Compute_Cycle_Throws()
    {
        var graph = TestGraphs.Build(3, (0, 1), (1, 2), (2, 0));

        Assert.Throws<InvalidOperationException>(() => LayeredLayout.Compute(graph));
    }

    [Fact]
    public void Compute_NegativeSpacing_Throws()
    {
        var graph = TestGraphs.Build(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => LayeredLayout.Compute(graph, Options with { HorizontalSpacing = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayeredLayout.Compute(graph, nodeSize: _ => (double.NaN, 1)));
    }

    [Fact]
    public void Compute_SampleStack_IsValidAndRepeatable()
    {
        var graph = SampleStack.Graph();

        var first = LayeredLayout.Compute(graph);
        var second = LayeredLayout.Compute(graph);

        LayoutAssert.Valid(graph, first, Options);
        Assert.Equal(LayoutAssert.Print(first), LayoutAssert.Print(second));
    }
}
