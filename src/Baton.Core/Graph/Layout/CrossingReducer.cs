namespace Baton.Graph.Layout;

/// <summary>
/// Layer-by-layer sweeps that sort each layer by the barycentre or the weighted median of its neighbours in the
/// layer just placed, keeping the ordering with the fewest crossings seen (Sugiyama; Gansner et al.).
/// </summary>
internal static class CrossingReducer
{
    private const int PatienceSweeps = 4;

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

        layering.RestoreOrder(bestOrder);
        return best;
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
