using Baton.Graph;

namespace Baton.Libraries.Tests.Graph;

public sealed class TransitiveReductionTests
{
    [Fact]
    public void TransitiveReduction_ShortcutEdge_IsRemoved()
    {
        // 0 -> 1 -> 2 makes 0 -> 2 redundant.
        var graph = TestGraphs.Build(3, (0, 1), (1, 2), (0, 2));

        var reduced = graph.TransitiveReduction();

        Assert.Equal([(0, 1), (1, 2)], TestGraphs.Edges(reduced));
    }

    [Fact]
    public void TransitiveReduction_Diamond_KeepsAllFourEdges()
    {
        var graph = TestGraphs.Build(4, (0, 1), (0, 2), (1, 3), (2, 3));

        var reduced = graph.TransitiveReduction();

        Assert.Equal(4, reduced.EdgeCount);
    }

    [Fact]
    public void TransitiveReduction_KeepsPayloads()
    {
        var builder = new DependencyGraphBuilder<string>();
        builder.AddNode("a");
        builder.AddNode("b");
        builder.AddEdge(0, 1);

        var reduced = builder.Build().TransitiveReduction();

        Assert.Equal(["a", "b"], reduced.Nodes);
        Assert.Equal([0], reduced.Dependents(1).ToArray());
    }

    [Fact]
    public void TransitiveReduction_Cycle_Throws()
    {
        var graph = TestGraphs.Build(2, (0, 1), (1, 0));

        Assert.Throws<InvalidOperationException>(graph.TransitiveReduction);
    }

    [Fact]
    public void TransitiveReduction_MoreNodesThanOneBlock_MatchesChainShape()
    {
        // A chain with every shortcut v -> v+2 needs several bit-set blocks at this size and must reduce to the chain.
        const int n = 20_000;
        var builder = new DependencyGraphBuilder<int>(n, 2 * n);
        for (var v = 0; v < n; v++)
        {
            builder.AddNode(v);
        }

        for (var v = 0; v < n - 1; v++)
        {
            builder.AddEdge(v, v + 1);
            if (v + 2 < n)
            {
                builder.AddEdge(v, v + 2);
            }
        }

        var reduced = builder.Build().TransitiveReduction();

        Assert.Equal(n - 1, reduced.EdgeCount);
        Assert.True(reduced.HasEdge(n - 2, n - 1));
    }
}
