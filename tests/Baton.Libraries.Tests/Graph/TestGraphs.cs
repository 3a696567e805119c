using Baton.Graph;

namespace Baton.Libraries.Tests.Graph;

/// <summary>Small graphs and brute-force reference answers for the graph tests.</summary>
internal static class TestGraphs
{
    public static DependencyGraph<int> Build(int nodeCount, params (int From, int To)[] edges)
    {
        var builder = new DependencyGraphBuilder<int>();
        for (var v = 0; v < nodeCount; v++)
        {
            builder.AddNode(v);
        }

        foreach (var (from, to) in edges)
        {
            builder.AddEdge(from, to);
        }

        return builder.Build();
    }

    /// <summary>reach[a, b]: b can be reached from a along one or more edges.</summary>
    public static bool[,] Reachability<T>(DependencyGraph<T> graph)
    {
        var n = graph.NodeCount;
        var reach = new bool[n, n];
        for (var start = 0; start < n; start++)
        {
            var queue = new Queue<int>();
            foreach (var next in graph.Dependencies(start))
            {
                if (!reach[start, next])
                {
                    reach[start, next] = true;
                    queue.Enqueue(next);
                }
            }

            while (queue.Count > 0)
            {
                var v = queue.Dequeue();
                foreach (var next in graph.Dependencies(v))
                {
                    if (!reach[start, next])
                    {
                        reach[start, next] = true;
                        queue.Enqueue(next);
                    }
                }
            }
        }

        return reach;
    }

    public static bool SameReachability(bool[,] a, bool[,] b)
    {
        for (var i = 0; i < a.GetLength(0); i++)
        {
            for (var j = 0; j < a.GetLength(1); j++)
            {
                if (a[i, j] != b[i, j])
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static List<(int From, int To)> Edges<T>(DependencyGraph<T> graph)
    {
        var edges = new List<(int, int)>();
        for (var v = 0; v < graph.NodeCount; v++)
        {
            foreach (var u in graph.Dependencies(v))
            {
                edges.Add((v, u));
            }
        }

        return edges;
    }

    /// <summary>The heaviest path by trying every path; exponential, so small graphs only.</summary>
    public static double LongestPath<T>(DependencyGraph<T> graph, double[] weights)
    {
        var best = 0.0;
        for (var v = 0; v < graph.NodeCount; v++)
        {
            best = Math.Max(best, Heaviest(graph, weights, v));
        }

        return best;
    }

    private static double Heaviest<T>(DependencyGraph<T> graph, double[] weights, int v)
    {
        var best = 0.0;
        foreach (var u in graph.Dependencies(v).ToArray())
        {
            best = Math.Max(best, Heaviest(graph, weights, u));
        }

        return best + weights[v];
    }
}
