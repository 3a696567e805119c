namespace Baton.Graph;

/// <summary>
/// Collects nodes and edges, then freezes them into an immutable <see cref="DependencyGraph{TNode}"/>.
/// </summary>
/// <remarks>
/// Edge direction: <c>AddEdge(from, to)</c> means <em>from depends on to</em>, so <c>to</c> must
/// happen first. Duplicate edges are ignored; self-edges are kept (they are cycles).
/// </remarks>
/// <typeparam name="TNode">The payload carried by each node; the graph never looks inside it.</typeparam>
public sealed class DependencyGraphBuilder<TNode>
{
    private readonly List<TNode> _nodes;
    private readonly List<int> _from;
    private readonly List<int> _to;

    /// <summary>Creates an empty builder.</summary>
    public DependencyGraphBuilder()
        : this(0, 0)
    {
    }

    /// <summary>Creates an empty builder with room for the given numbers of nodes and edges.</summary>
    public DependencyGraphBuilder(int nodeCapacity, int edgeCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCapacity);
        ArgumentOutOfRangeException.ThrowIfNegative(edgeCapacity);
        _nodes = new List<TNode>(nodeCapacity);
        _from = new List<int>(edgeCapacity);
        _to = new List<int>(edgeCapacity);
    }

    /// <summary>The number of nodes added so far.</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>Adds a node and returns its id: ids are dense, starting at 0, in the order nodes are added.</summary>
    public int AddNode(TNode node)
    {
        _nodes.Add(node);
        return _nodes.Count - 1;
    }

    /// <summary>Records that <paramref name="from"/> depends on <paramref name="to"/>: <paramref name="to"/> must happen first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Either id is not a node of this builder.</exception>
    public void AddEdge(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(from, _nodes.Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(to, _nodes.Count);
        _from.Add(from);
        _to.Add(to);
    }

    /// <summary>Freezes the current nodes and edges into a graph; the builder stays usable and later changes do not affect the graph.</summary>
    public DependencyGraph<TNode> Build()
    {
        var dependencies = AdjacencyLists.FromEdges(
            _nodes.Count,
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_from),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_to));
        return new DependencyGraph<TNode>([.. _nodes], dependencies);
    }
}
