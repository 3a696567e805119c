using System.Collections.Immutable;

namespace Baton.Graph;

/// <summary>
/// An immutable directed graph of dependencies between nodes identified by dense ids <c>0..NodeCount-1</c>,
/// each carrying a <typeparamref name="TNode"/> payload. Build one with <see cref="DependencyGraphBuilder{TNode}"/>.
/// </summary>
/// <remarks>
/// <para>
/// Edge direction, everywhere in this namespace: an edge <c>a → b</c> means <em>a depends on b</em>;
/// <c>b</c> must happen before <c>a</c>. <see cref="Dependencies"/> follows edges forwards,
/// <see cref="Dependents"/> backwards.
/// </para>
/// <para>
/// Like Terraform's <c>internal/dag</c>, this type knows nothing about what the nodes are. Adjacency is
/// stored as flat sorted arrays, every algorithm is iterative (no recursion depth tied to graph size),
/// and every result is deterministic: ties are broken by the smaller node id.
/// </para>
/// </remarks>
/// <typeparam name="TNode">The payload carried by each node.</typeparam>
public sealed class DependencyGraph<TNode>
{
    private readonly TNode[] _nodes;
    private readonly IReadOnlyList<TNode> _readOnlyNodes;
    private readonly AdjacencyLists _dependencies;
    private readonly AdjacencyLists _dependents;

    internal DependencyGraph(TNode[] nodes, AdjacencyLists dependencies)
    {
        _nodes = nodes;
        _readOnlyNodes = Array.AsReadOnly(nodes);
        _dependencies = dependencies;
        _dependents = dependencies.Reverse();
    }

    /// <summary>The number of nodes.</summary>
    public int NodeCount => _nodes.Length;

    /// <summary>The number of distinct edges, self-edges included.</summary>
    public int EdgeCount => _dependencies.EdgeCount;

    /// <summary>The payloads, indexed by node id.</summary>
    public IReadOnlyList<TNode> Nodes => _readOnlyNodes;

    /// <summary>The payload of a node.</summary>
    public TNode this[int node]
    {
        get
        {
            CheckNode(node);
            return _nodes[node];
        }
    }

    internal AdjacencyLists DependencyLists => _dependencies;

    internal AdjacencyLists DependentLists => _dependents;

    /// <summary>The nodes that <paramref name="node"/> depends on (its outgoing edges), ascending by id.</summary>
    public ReadOnlySpan<int> Dependencies(int node)
    {
        CheckNode(node);
        return _dependencies[node];
    }

    /// <summary>The nodes that depend on <paramref name="node"/> (its incoming edges), ascending by id.</summary>
    public ReadOnlySpan<int> Dependents(int node)
    {
        CheckNode(node);
        return _dependents[node];
    }

    /// <summary>Whether <paramref name="from"/> depends directly on <paramref name="to"/>.</summary>
    public bool HasEdge(int from, int to)
    {
        CheckNode(from);
        CheckNode(to);
        return _dependencies.Contains(from, to);
    }

    /// <summary>
    /// Orders the nodes so that every node comes after all of its dependencies. Among nodes that are ready
    /// at the same time the smallest id comes first, so the order is the lexicographically smallest valid one.
    /// Costs O((V + E) log V).
    /// </summary>
    /// <returns>
    /// A successful result holding every node once; or, if the graph has cycles, a failed result whose
    /// <see cref="TopologicalSortResult.Order"/> holds only the nodes that could be ordered and whose
    /// <see cref="TopologicalSortResult.Cycles"/> holds the witnesses from <see cref="FindCycles"/>.
    /// </returns>
    public TopologicalSortResult TopologicalOrder()
    {
        var order = TopologicalSorter.Sort(_dependencies, _dependents, out var complete);
        return new TopologicalSortResult
        {
            Order = order,
            Cycles = complete ? [] : FindCycles(),
        };
    }

    /// <summary>
    /// Finds the cycles: one witness per strongly connected component that has more than one node,
    /// and one per node with a self-edge, the way Terraform reports them. Costs O(V + E).
    /// </summary>
    /// <remarks>
    /// A component can hold many cycles; only one is reported for it, the shortest cycle through its smallest
    /// node id, starting there. <see cref="DependencyCycle.Component"/> lists every node of the component, so
    /// together the results cover every node that lies on any cycle. Results are ordered by that smallest id.
    /// </remarks>
    public ImmutableArray<DependencyCycle> FindCycles() => CycleFinder.Find(_dependencies);

    /// <summary>
    /// A new graph with the same nodes and the same reachability but no edge that is implied by a longer path.
    /// Meant for display. For a DAG the result is the unique minimal such graph.
    /// </summary>
    /// <remarks>
    /// Costs O(V·E / 64) time and at most about 32 MB of bit sets plus O(V + E), whatever the size: reachability
    /// is computed over blocks of target nodes, so 100,000 nodes do not need a V×V matrix.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The graph has a cycle.</exception>
    public DependencyGraph<TNode> TransitiveReduction()
    {
        var order = RequireTopologicalOrder();
        var reduced = TransitiveReducer.Reduce(_dependencies, order);
        return new DependencyGraph<TNode>(_nodes, reduced);
    }

    /// <summary>
    /// For each node, how many nodes the longest chain of its dependents holds, itself included (its "bottom level"):
    /// how much must still happen, one after another, once it is done. A scheduler that starts the ready node with
    /// the longest chain first stays close to max(critical path, total work ÷ workers). Nodes on or behind a cycle
    /// get 0. Costs O((V + E) log V).
    /// </summary>
    public int[] DependentChainLengths()
    {
        var order = TopologicalSorter.Sort(_dependencies, _dependents, out _);
        return LongestPath.ChainLengths(_dependents, order, NodeCount);
    }

    /// <summary>
    /// The heaviest chain of dependencies: the path whose node weights sum highest. It bounds from below how
    /// fast any scheduler can finish the whole graph. Costs O((V + E) log V).
    /// </summary>
    /// <param name="weight">The cost of each node id; finite and not negative.</param>
    /// <exception cref="InvalidOperationException">The graph has a cycle.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative, infinite or NaN.</exception>
    public CriticalPathResult CriticalPath(Func<int, double> weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var weights = new double[NodeCount];
        for (var v = 0; v < weights.Length; v++)
        {
            weights[v] = weight(v);
        }

        return CriticalPath(weights);
    }

    /// <summary>The heaviest chain of dependencies, with weights given per node id.</summary>
    /// <param name="weights">The cost of each node, indexed by id; finite and not negative.</param>
    /// <exception cref="ArgumentException"><paramref name="weights"/> does not have one entry per node.</exception>
    /// <exception cref="InvalidOperationException">The graph has a cycle.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative, infinite or NaN.</exception>
    public CriticalPathResult CriticalPath(ReadOnlySpan<double> weights)
    {
        if (weights.Length != NodeCount)
        {
            throw new ArgumentException($"Expected {NodeCount} weights, got {weights.Length}.", nameof(weights));
        }

        foreach (var w in weights)
        {
            if (!double.IsFinite(w) || w < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(weights), w, "Weights must be finite and not negative.");
            }
        }

        var order = RequireTopologicalOrder();
        return LongestPath.Find(_dependencies, order, weights);
    }

    private ImmutableArray<int> RequireTopologicalOrder()
    {
        var order = TopologicalSorter.Sort(_dependencies, _dependents, out var complete);
        if (!complete)
        {
            throw new InvalidOperationException("The graph has a cycle; this operation needs a DAG. Check FindCycles() first.");
        }

        return order;
    }

    private void CheckNode(int node)
    {
        if ((uint)node >= (uint)_nodes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(node), node, $"Node ids run from 0 to {_nodes.Length - 1}.");
        }
    }
}
