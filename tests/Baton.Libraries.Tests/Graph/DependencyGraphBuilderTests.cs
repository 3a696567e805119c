using Baton.Graph;

namespace Baton.Libraries.Tests.Graph;

public sealed class DependencyGraphBuilderTests
{
    [Fact]
    public void AddNode_Called_ReturnsDenseIdsInOrder()
    {
        var builder = new DependencyGraphBuilder<string>();

        Assert.Equal(0, builder.AddNode("a"));
        Assert.Equal(1, builder.AddNode("b"));
        Assert.Equal(2, builder.NodeCount);
    }

    [Fact]
    public void Build_WithEdges_ExposesDependenciesAndDependentsSorted()
    {
        var graph = TestGraphs.Build(4, (0, 3), (0, 1), (2, 1), (3, 1));

        Assert.Equal(4, graph.NodeCount);
        Assert.Equal(4, graph.EdgeCount);
        Assert.Equal([1, 3], graph.Dependencies(0).ToArray());
        Assert.Equal([0, 2, 3], graph.Dependents(1).ToArray());
        Assert.Empty(graph.Dependencies(1).ToArray());
        Assert.True(graph.HasEdge(0, 3));
        Assert.False(graph.HasEdge(3, 0));
    }

    [Fact]
    public void Build_DuplicateEdges_AreCountedOnce()
    {
        var graph = TestGraphs.Build(2, (0, 1), (0, 1), (0, 1));

        Assert.Equal(1, graph.EdgeCount);
        Assert.Equal([1], graph.Dependencies(0).ToArray());
        Assert.Equal([0], graph.Dependents(1).ToArray());
    }

    [Fact]
    public void Build_SelfEdge_IsKept()
    {
        var graph = TestGraphs.Build(1, (0, 0));

        Assert.Equal(1, graph.EdgeCount);
        Assert.True(graph.HasEdge(0, 0));
    }

    [Fact]
    public void Build_CalledTwice_LaterChangesDoNotAffectEarlierGraph()
    {
        var builder = new DependencyGraphBuilder<string>();
        builder.AddNode("a");
        builder.AddNode("b");
        var first = builder.Build();
        builder.AddEdge(0, 1);
        builder.AddNode("c");

        var second = builder.Build();

        Assert.Equal(0, first.EdgeCount);
        Assert.Equal(2, first.NodeCount);
        Assert.Equal(1, second.EdgeCount);
        Assert.Equal("c", second[2]);
    }

    [Fact]
    public void AddEdge_UnknownNode_Throws()
    {
        var builder = new DependencyGraphBuilder<int>();
        builder.AddNode(0);

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddEdge(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddEdge(-1, 0));
    }

    [Fact]
    public void Dependencies_UnknownNode_Throws()
    {
        var graph = TestGraphs.Build(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => graph.Dependencies(1).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => graph[-1]);
    }

    [Fact]
    public void Nodes_AfterBuild_HoldPayloadsById()
    {
        var builder = new DependencyGraphBuilder<string>();
        builder.AddNode("x");
        builder.AddNode("y");

        var graph = builder.Build();

        Assert.Equal(["x", "y"], graph.Nodes);
        Assert.Equal("y", graph[1]);
    }
}
