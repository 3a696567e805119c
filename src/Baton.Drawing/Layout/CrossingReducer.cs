namespace Baton.Drawing.Layout;

/// <summary>
/// Layer-by-layer sweeps that sort each layer by the barycentre or the weighted median of its neighbours in the
/// layer just placed, each followed by swaps of neighbours that remove crossings, keeping the ordering with the
/// fewest crossings seen (Sugiyama; Gansner et al.).
/// </summary>
internal static class CrossingReducer
{
    private const int PatienceSweeps = 8;
    private const int MaxTransposeRounds = 8;

    /// <summary>Reorders the layers of <paramref name="layering"/> and returns the crossings of the ordering kept.</summary>
    public static long Reduce(ProperLayering layering, int maxSweeps)
    {
        var best = layering.CountCrossings();
        if (best == 0 || maxSweeps == 0)
        {
            return best;
        }

        var bestOrder = layering.SnapshotOrder();
        var layerCount = layering.Layers.Length;
        var sinceImprovement = 0;
        for (var sweep = 0; sweep < maxSweeps; sweep++)
        {
            // Down, up, down, up with barycentres; then the same with medians; and so on.
            var median = (sweep / 2) % 2 == 1;
            if (sweep % 2 == 0)
            {
                for (var l = 1; l < layerCount; l++)
                {
                    OrderLayer(layering, l, layering.Up, median);
                }
            }
            else
            {
                for (var l = layerCount - 2; l >= 0; l--)
                {
                    OrderLayer(layering, l, layering.Down, median);
                }
            }

            Transpose(layering);
            var crossings = layering.CountCrossings();
            if (crossings < best)
            {
                best = crossings;
                bestOrder = layering.SnapshotOrder();
                sinceImprovement = 0;
                if (best == 0)
                {
                    break;
                }
            }
            else if (++sinceImprovement >= PatienceSweeps)
            {
                break;
            }
        }

        // Transposing never adds crossings, so one more round on the best ordering can only help.
        layering.RestoreOrder(bestOrder);
        Transpose(layering);
        return layering.CountCrossings();
    }

    private static void OrderLayer(ProperLayering layering, int layer, int[][] fixedNeighbours, bool median)
    {
        var row = layering.Layers[layer];
        var keys = new SortKey[row.Length];
        var positions = new List<int>();
        var previous = double.NegativeInfinity;
        for (var i = 0; i < row.Length; i++)
        {
            var v = row[i];
            positions.Clear();
            foreach (var w in fixedNeighbours[v])
            {
                positions.Add(layering.Position[w]);
            }

            // A vertex with no neighbour on the fixed side follows whatever is on its left now.
            var key = positions.Count == 0 ? previous : median ? Median(positions) : Barycentre(positions);
            previous = key;
            keys[i] = new SortKey(layering.Component[v], key, i, v);
        }

        Array.Sort(keys, static (a, b) =>
        {
            var byComponent = a.Component.CompareTo(b.Component);
            if (byComponent != 0)
            {
                return byComponent;
            }

            var byKey = a.Key.CompareTo(b.Key);
            return byKey != 0 ? byKey : a.Position.CompareTo(b.Position);
        });
        var ordered = new int[row.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            ordered[i] = keys[i].Vertex;
        }

        layering.SetLayer(layer, ordered);
    }

    /// <summary>
    /// Swaps neighbours within a layer while that removes crossings with both adjacent layers, a few rounds at
    /// most: the local clean-up that sorting by averages misses (Gansner et al.'s <c>transpose</c>).
    /// </summary>
    private static void Transpose(ProperLayering layering)
    {
        var first = new List<int>();
        var second = new List<int>();
        for (var round = 0; round < MaxTransposeRounds; round++)
        {
            var improved = false;
            for (var l = 0; l < layering.Layers.Length; l++)
            {
                var row = layering.Layers[l];
                for (var i = 0; i + 1 < row.Length; i++)
                {
                    var u = row[i];
                    var v = row[i + 1];
                    if (layering.Component[u] != layering.Component[v])
                    {
                        continue;
                    }

                    var (kept, swapped) = PairCrossings(layering, layering.Up, u, v, first, second);
                    var (keptBelow, swappedBelow) = PairCrossings(layering, layering.Down, u, v, first, second);
                    if (swapped + swappedBelow < kept + keptBelow)
                    {
                        row[i] = v;
                        row[i + 1] = u;
                        layering.Position[v] = i;
                        layering.Position[u] = i + 1;
                        improved = true;
                    }
                }
            }

            if (!improved)
            {
                break;
            }
        }
    }

    /// <summary>Crossings among the edges of <paramref name="u"/> and <paramref name="v"/> to one side, with u left of v and swapped.</summary>
    private static (long Kept, long Swapped) PairCrossings(ProperLayering layering, int[][] neighbours, int u, int v, List<int> first, List<int> second)
    {
        if (neighbours[u].Length == 0 || neighbours[v].Length == 0)
        {
            return (0, 0);
        }

        Positions(layering, neighbours[u], first);
        Positions(layering, neighbours[v], second);
        long kept = 0;
        long swapped = 0;
        var below = 0;
        var notAbove = 0;
        foreach (var a in first)
        {
            while (below < second.Count && second[below] < a)
            {
                below++;
            }

            while (notAbove < second.Count && second[notAbove] <= a)
            {
                notAbove++;
            }

            // u left of v: u's edge to a crosses v's edges to anything left of a; swapped, anything right of a.
            kept += below;
            swapped += second.Count - notAbove;
        }

        return (kept, swapped);
    }

    private static void Positions(ProperLayering layering, int[] vertices, List<int> positions)
    {
        positions.Clear();
        foreach (var w in vertices)
        {
            positions.Add(layering.Position[w]);
        }

        positions.Sort();
    }

    private static double Barycentre(List<int> positions)
    {
        var sum = 0.0;
        foreach (var p in positions)
        {
            sum += p;
        }

        return sum / positions.Count;
    }

    /// <summary>The weighted median of Gansner et al.: between the two middle values, leaning towards the denser side.</summary>
    private static double Median(List<int> positions)
    {
        positions.Sort();
        var m = positions.Count;
        var middle = m / 2;
        if (m % 2 == 1)
        {
            return positions[middle];
        }

        if (m == 2)
        {
            return (positions[0] + positions[1]) / 2.0;
        }

        double left = positions[middle - 1] - positions[0];
        double right = positions[m - 1] - positions[middle];
        return left + right == 0
            ? (positions[middle - 1] + positions[middle]) / 2.0
            : ((positions[middle - 1] * right) + (positions[middle] * left)) / (left + right);
    }

    private readonly record struct SortKey(int Component, double Key, int Position, int Vertex);
}
