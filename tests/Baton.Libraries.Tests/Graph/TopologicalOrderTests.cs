using Baton.Graph;

namespace Baton.Libraries.Tests.Graph;

public sealed class TopologicalOrderTests
{
    [Fact]
    public void TopologicalOrder_Diamond_PutsDependenciesFirst()
    {
        // 0 depends on 1 and 2, which both depend on 3.
        var graph = TestGraphs.Build(4, (0, 1), (0, 2), (1, 3), (2, 3));

        var result = graph.TopologicalOrder();

        Assert.True(result.IsSuccess);
        Assert.Equal([3, 1, 2, 0], result.Order.ToArray());
        Assert.Empty(result.Cycles);
    }

    [Fact]
    public void TopologicalOrder_IndependentNodes_AreInIdOrder()
    {
        var graph = TestGraphs.Build(5, (0, 4));

        var result = graph.TopologicalOrder();

        Assert.Equal([1, 2, 3, 4, 0], result.Order.ToArray());
    }

    [Fact]
    public void TopologicalOrder_TiesAfterRelease_GoToSmallestId()
    {
        // 3 is released before 1 and 2 are, yet 1 and 2 are ready earlier and smaller.
        var graph = TestGraphs.Build(5, (3, 4), (0, 3));

        var result = graph.TopologicalOrder();

        Assert.Equal([1, 2, 4, 3, 0], result.Order.ToArray());
    }

    [Fact]
    public void TopologicalOrder_Cycle_FailsWithWitnessAndPartialOrder()
    {
        // 0 -> 1 -> 2 -> 1 is a cycle; 3 is free; 0 waits on the cycle.
        var graph = TestGraphs.Build(4, (0, 1), (1, 2), (2, 1));

        var result = graph.TopologicalOrder();

        Assert.False(result.IsSuccess);
        Assert.Equal([3], result.Order.ToArray());
        var cycle = Assert.Single(result.Cycles);
        Assert.Equal([1, 2], cycle.Path.ToArray());
    }

    [Fact]
    public void TopologicalOrder_SelfEdge_Fails()
    {
        var graph = TestGraphs.Build(2, (1, 1));

        var result = graph.TopologicalOrder();

        Assert.False(result.IsSuccess);
        Assert.Equal([0], result.Order.ToArray());
    }

    [Fact]
    public void TopologicalOrder_EmptyGraph_SucceedsEmpty()
    {
        var result = TestGraphs.Build(0).TopologicalOrder();

        Assert.True(result.IsSuccess);
        Assert.Empty(result.Order);
    }

    [Fact]
    public void TopologicalOrder_LongChain_DoesNotOverflowTheStack()
    {
        const int n = 200_000;
        var builder = new DependencyGraphBuilder<int>(n, n);
        for (var v = 0; v < n; v++)
        {
            builder.AddNode(v);
        }

        for (var v = 0; v < n - 1; v++)
        {
            builder.AddEdge(v, v + 1);
        }

        var result = builder.Build().TopologicalOrder();

        Assert.True(result.IsSuccess);
        Assert.Equal(n - 1, result.Order[0]);
        Assert.Equal(0, result.Order[^1]);
    }
}
