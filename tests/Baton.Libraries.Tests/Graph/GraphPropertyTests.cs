using Baton.Graph;
using CsCheck;

namespace Baton.Libraries.Tests.Graph;

public sealed class GraphPropertyTests
{
    /// <summary>Random DAGs: edges only from a higher to a lower index, then ids shuffled so the order is not a giveaway.</summary>
    private static Gen<DependencyGraph<int>> Dags(int maxNodes) =>
        Gen.Int[1, maxNodes].SelectMany(n => Gen.Select(
            Gen.Shuffle(Enumerable.Range(0, n).ToArray()),
            Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, n - 1]).Array[0, 3 * n],
            (permutation, pairs) =>
            {
                var edges = new List<(int, int)>();
                foreach (var (a, b) in pairs)
                {
                    if (a != b)
                    {
                        edges.Add((permutation[Math.Max(a, b)], permutation[Math.Min(a, b)]));
                    }
                }

                return TestGraphs.Build(n, [.. edges]);
            }));

    /// <summary>Random small graphs of any shape, self-edges included.</summary>
    private static readonly Gen<DependencyGraph<int>> SmallGraphs =
        Gen.Int[1, 8].SelectMany(n =>
            Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, n - 1]).Array[0, 2 * n]
                .Select(pairs => TestGraphs.Build(n, pairs)));

    private static string Print<T>(DependencyGraph<T> graph) =>
        $"{graph.NodeCount} nodes: " + string.Join(" ", TestGraphs.Edges(graph).Select(e => $"{e.From}->{e.To}"));

    [Fact]
    public void TopologicalOrder_RandomDag_ContainsEveryNodeOnceAfterItsDependencies()
    {
        Dags(60).Sample(graph =>
        {
            var result = graph.TopologicalOrder();

            Assert.True(result.IsSuccess);
            Assert.Equal(graph.NodeCount, result.Order.Length);
            var position = new int[graph.NodeCount];
            Array.Fill(position, -1);
            for (var i = 0; i < result.Order.Length; i++)
            {
                Assert.Equal(-1, position[result.Order[i]]);
                position[result.Order[i]] = i;
            }

            foreach (var (from, to) in TestGraphs.Edges(graph))
            {
                Assert.True(position[to] < position[from], $"{to} must come before {from}");
            }
        }, iter: 300, print: Print);
    }

    [Fact]
    public void FindCycles_RandomSmallGraph_AgreesWithBruteForce()
    {
        SmallGraphs.Sample(graph =>
        {
            var n = graph.NodeCount;
            var reach = TestGraphs.Reachability(graph);
            var onCycle = new HashSet<int>();
            for (var v = 0; v < n; v++)
            {
                if (reach[v, v])
                {
                    onCycle.Add(v);
                }
            }

            var cycles = graph.FindCycles();

            Assert.Equal(onCycle.Count > 0, cycles.Length > 0);
            Assert.Equal(onCycle.Count == 0, graph.TopologicalOrder().IsSuccess);
            var reported = new HashSet<int>();
            foreach (var cycle in cycles)
            {
                var path = cycle.Path;
                Assert.NotEmpty(path);
                Assert.Equal(path.Length, path.Distinct().Count());
                for (var i = 0; i < path.Length; i++)
                {
                    Assert.True(graph.HasEdge(path[i], path[(i + 1) % path.Length]), $"edge {path[i]}->{path[(i + 1) % path.Length]}");
                }

                Assert.Equal(cycle.Component.Min(), path[0]);
                Assert.Subset(cycle.Component.ToHashSet(), path.ToHashSet());
                foreach (var a in cycle.Component)
                {
                    foreach (var b in cycle.Component)
                    {
                        Assert.True(reach[a, b], $"{a} and {b} share a component but {b} is unreachable from {a}");
                    }

                    Assert.True(reported.Add(a), $"{a} is in two components");
                }
            }

            Assert.Equal(onCycle, reported);
        }, iter: 2000, print: Print);
    }

    [Fact]
    public void TransitiveReduction_RandomSmallDag_KeepsReachabilityWithNoRedundantEdge()
    {
        Dags(10).Sample(graph =>
        {
            var reach = TestGraphs.Reachability(graph);

            var reduced = graph.TransitiveReduction();

            Assert.True(TestGraphs.SameReachability(reach, TestGraphs.Reachability(reduced)));
            var edges = TestGraphs.Edges(reduced);
            Assert.Subset(TestGraphs.Edges(graph).ToHashSet(), edges.ToHashSet());
            foreach (var removed in edges)
            {
                var fewer = TestGraphs.Build(graph.NodeCount, [.. edges.Where(e => e != removed)]);
                Assert.False(TestGraphs.SameReachability(reach, TestGraphs.Reachability(fewer)), $"edge {removed} was redundant");
            }
        }, iter: 500, print: Print);
    }

    [Fact]
    public void CriticalPath_RandomSmallDag_MatchesBruteForceLongestPath()
    {
        Dags(8).SelectMany(graph => Gen.Int[0, 10].Array[graph.NodeCount].Select(w => (graph, w))).Sample((graph, intWeights) =>
        {
            var weights = intWeights.Select(w => (double)w).ToArray();

            var path = graph.CriticalPath(weights);

            Assert.Equal(TestGraphs.LongestPath(graph, weights), path.Length);
            Assert.Equal(path.Length, path.Nodes.Sum(v => weights[v]));
            Assert.Equal(weights.Sum(), path.TotalWeight);
            for (var i = 1; i < path.Nodes.Length; i++)
            {
                Assert.True(graph.HasEdge(path.Nodes[i], path.Nodes[i - 1]), $"{path.Nodes[i]} must depend on {path.Nodes[i - 1]}");
            }
        }, iter: 500);
    }

    [Fact]
    public void DependentChainLengths_RandomDag_IsTheLongestChainOfDependentsByBruteForce()
    {
        Dags(40).Sample(graph =>
        {
            var lengths = graph.DependentChainLengths();

            var memo = new int[graph.NodeCount];
            int Longest(int v)
            {
                if (memo[v] == 0)
                {
                    var best = 0;
                    foreach (var d in graph.Dependents(v).ToArray())
                    {
                        best = Math.Max(best, Longest(d));
                    }

                    memo[v] = best + 1;
                }

                return memo[v];
            }

            for (var v = 0; v < graph.NodeCount; v++)
            {
                Assert.Equal(Longest(v), lengths[v]);
            }
        }, iter: 300, print: Print);
    }

    [Fact]
    public void DependentChainLengths_NodesOnOrBehindACycle_GetZero()
    {
        // 0 <- 1 <-> 2 <- 3: node 0 is ordered (its only dependent is on the cycle), 1 and 2 are the cycle, 3 waits behind it.
        var graph = TestGraphs.Build(4, [(1, 0), (1, 2), (2, 1), (3, 2)]);

        Assert.Equal([1, 0, 0, 0], graph.DependentChainLengths());
    }
}
