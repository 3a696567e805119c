using Baton.Graph;

namespace Baton.Libraries.Tests.Graph;

public sealed class FindCyclesTests
{
    [Fact]
    public void FindCycles_Dag_ReturnsNone()
    {
        var graph = TestGraphs.Build(4, (0, 1), (0, 2), (1, 3), (2, 3));

        Assert.Empty(graph.FindCycles());
    }

    [Fact]
    public void FindCycles_ThreeCycle_StartsAtSmallestIdAndFollowsEdges()
    {
        // 4 -> 2 -> 7 -> 4, entered from 0.
        var graph = TestGraphs.Build(8, (0, 4), (4, 2), (2, 7), (7, 4));

        var cycle = Assert.Single(graph.FindCycles());

        Assert.Equal([2, 7, 4], cycle.Path.ToArray());
        Assert.Equal([2, 4, 7], cycle.Component.ToArray());
    }

    [Fact]
    public void FindCycles_SelfEdge_ReportsSingleNodeCycle()
    {
        var graph = TestGraphs.Build(3, (0, 1), (1, 1));

        var cycle = Assert.Single(graph.FindCycles());

        Assert.Equal([1], cycle.Path.ToArray());
        Assert.Equal([1], cycle.Component.ToArray());
    }

    [Fact]
    public void FindCycles_SeveralComponents_OneWitnessEachOrderedBySmallestId()
    {
        var graph = TestGraphs.Build(7, (5, 6), (6, 5), (1, 2), (2, 3), (3, 1), (4, 4), (0, 5));

        var cycles = graph.FindCycles();

        Assert.Equal(3, cycles.Length);
        Assert.Equal([1, 2, 3], cycles[0].Path.ToArray());
        Assert.Equal([4], cycles[1].Path.ToArray());
        Assert.Equal([5, 6], cycles[2].Path.ToArray());
    }

    [Fact]
    public void FindCycles_ComponentWithManyCycles_ReportsShortestThroughSmallestId()
    {
        // 0 -> 1 -> 2 -> 3 -> 0 and 0 -> 3 -> 0: one component, the witness is the short one.
        var graph = TestGraphs.Build(4, (0, 1), (1, 2), (2, 3), (3, 0), (0, 3));

        var cycle = Assert.Single(graph.FindCycles());

        Assert.Equal([0, 3], cycle.Path.ToArray());
        Assert.Equal([0, 1, 2, 3], cycle.Component.ToArray());
    }

    [Fact]
    public void FindCycles_HugeCycle_DoesNotOverflowTheStack()
    {
        const int n = 200_000;
        var builder = new DependencyGraphBuilder<int>(n, n);
        for (var v = 0; v < n; v++)
        {
            builder.AddNode(v);
        }

        for (var v = 0; v < n; v++)
        {
            builder.AddEdge(v, (v + 1) % n);
        }

        var cycle = Assert.Single(builder.Build().FindCycles());

        Assert.Equal(n, cycle.Path.Length);
        Assert.Equal(0, cycle.Path[0]);
        Assert.Equal(n - 1, cycle.Path[^1]);
    }
}
