using Baton.Libraries.Tests.Graph;
using Baton.Drawing.Layout;
using Baton.Graph;
using CsCheck;

namespace Baton.Libraries.Tests.Drawing.Layout;

public sealed class LayeredLayoutPropertyTests
{
    /// <summary>Random DAGs: edges only from a higher to a lower index, then ids shuffled so the order is not a giveaway.</summary>
    private static Gen<DependencyGraph<int>> Dags(int maxNodes) =>
        Gen.Int[0, maxNodes].SelectMany(n => Gen.Select(
            Gen.Shuffle(Enumerable.Range(0, n).ToArray()),
            Gen.Select(Gen.Int[0, Math.Max(0, n - 1)], Gen.Int[0, Math.Max(0, n - 1)]).Array[0, 2 * n],
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

    private static string Print<T>(DependencyGraph<T> graph) =>
        $"{graph.NodeCount} nodes: " + string.Join(" ", TestGraphs.Edges(graph).Select(e => $"{e.From}->{e.To}"));

    [Fact]
    public void Compute_RandomDag_KeepsLayersSpacingNodesAndEdges()
    {
        Dags(40).Sample(graph =>
        {
            var layout = LayeredLayout.Compute(graph);

            LayoutAssert.Valid(graph, layout, LayeredLayoutOptions.Default);
        }, iter: 300, print: Print);
    }

    [Fact]
    public void Compute_RandomDagAndSizes_KeepsLayersSpacingNodesAndEdges()
    {
        var options = new LayeredLayoutOptions { HorizontalSpacing = 10, LayerGap = 25, Margin = 0 };
        Dags(30).Sample(graph =>
        {
            var layout = LayeredLayout.Compute(graph, options, v => (20 + (v * 37 % 90), 10 + (v * 11 % 30)));

            LayoutAssert.Valid(graph, layout, options);
        }, iter: 200, print: Print);
    }

    [Fact]
    public void Compute_RandomDag_NeverEndsWithMoreCrossingsThanTheInitialOrdering()
    {
        Dags(40).Sample(graph =>
        {
            var initial = LayeredLayout.CreateLayering(graph).CountCrossings();

            var layout = LayeredLayout.Compute(graph);

            Assert.True(layout.Crossings <= initial, $"{layout.Crossings} crossings, {initial} before");
            Assert.Equal(LayoutAssert.GeometricCrossings(layout), layout.Crossings);
        }, iter: 300, print: Print);
    }

    [Fact]
    public void Compute_RandomDag_IsDeterministic()
    {
        Dags(40).Sample(graph =>
        {
            var first = LayoutAssert.Print(LayeredLayout.Compute(graph));

            // A second graph built from the same edges in reverse order must not change anything either.
            var edges = TestGraphs.Edges(graph);
            edges.Reverse();
            var rebuilt = TestGraphs.Build(graph.NodeCount, [.. edges]);

            Assert.Equal(first, LayoutAssert.Print(LayeredLayout.Compute(graph)));
            Assert.Equal(first, LayoutAssert.Print(LayeredLayout.Compute(rebuilt)));
        }, iter: 100, print: Print);
    }
}
