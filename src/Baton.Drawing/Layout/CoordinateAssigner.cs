namespace Baton.Drawing.Layout;

/// <summary>
/// Horizontal positions for an ordered <see cref="ProperLayering"/>. Each pass places one layer at a time as
/// close as the ordering and spacing allow to where its neighbours in the layer just placed pull it: a weighted
/// least-squares fit under "keep order and spacing" constraints, which is isotonic regression, solved exactly in
/// linear time by pooling adjacent violators. Dummies pull hardest, so long edges run straight.
/// </summary>
internal static class CoordinateAssigner
{
    private const double DummyWeight = 4;
    private const double FreeWeight = 0.01;

    /// <summary>Returns the centre x of every vertex, the leftmost box edge at 0.</summary>
    /// <param name="layering">The ordered layering.</param>
    /// <param name="width">The width of every vertex; 0 for dummies.</param>
    /// <param name="spacing">The gap between two boxes; half of it next to a dummy.</param>
    /// <param name="passes">The number of down-and-up passes.</param>
    public static double[] Assign(ProperLayering layering, double[] width, double spacing, int passes)
    {
        var x = new double[layering.VertexCount];
        var layers = layering.Layers;
        foreach (var row in layers)
        {
            var at = 0.0;
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    at += Separation(layering, width, spacing, row[i - 1], row[i]);
                }

                x[row[i]] = at;
            }
        }

        var scratch = new Scratch(layers.Max(static row => row.Length));
        for (var pass = 0; pass < passes; pass++)
        {
            for (var l = 1; l < layers.Length; l++)
            {
                Place(layering, layers[l], layering.Up, x, width, spacing, scratch);
            }

            for (var l = layers.Length - 2; l >= 0; l--)
            {
                Place(layering, layers[l], layering.Down, x, width, spacing, scratch);
            }
        }

        var left = double.PositiveInfinity;
        for (var v = 0; v < x.Length; v++)
        {
            left = Math.Min(left, x[v] - (width[v] / 2));
        }

        for (var v = 0; v < x.Length; v++)
        {
            x[v] -= left;
        }

        return x;
    }

    private static double Separation(ProperLayering layering, double[] width, double spacing, int a, int b) =>
        ((width[a] + width[b]) / 2) + (layering.IsDummy(a) || layering.IsDummy(b) ? spacing / 2 : spacing);

    private static void Place(ProperLayering layering, int[] row, int[][] neighbours, double[] x, double[] width, double spacing, Scratch scratch)
    {
        if (row.Length == 0)
        {
            return;
        }

        // Substituting y[i] = x[i] - offset[i], where offset[i] sums the separations to the left, turns
        // "x[i+1] >= x[i] + separation" into "y non-decreasing".
        var offset = 0.0;
        for (var i = 0; i < row.Length; i++)
        {
            var v = row[i];
            if (i > 0)
            {
                offset += Separation(layering, width, spacing, row[i - 1], v);
            }

            var pull = neighbours[v];
            double target;
            double weight;
            if (pull.Length == 0)
            {
                target = x[v];
                weight = FreeWeight;
            }
            else
            {
                var sum = 0.0;
                foreach (var w in pull)
                {
                    sum += x[w];
                }

                target = sum / pull.Length;
                weight = layering.IsDummy(v) ? DummyWeight : pull.Length;
            }

            scratch.Offset[i] = offset;
            scratch.Target[i] = target - offset;
            scratch.Weight[i] = weight;
        }

        PoolAdjacentViolators(row.Length, scratch);
        for (var i = 0; i < row.Length; i++)
        {
            x[row[i]] = scratch.Fitted[i] + scratch.Offset[i];
        }
    }

    /// <summary>Weighted isotonic regression of <c>Target</c> into <c>Fitted</c>.</summary>
    private static void PoolAdjacentViolators(int count, Scratch scratch)
    {
        var blocks = 0;
        for (var i = 0; i < count; i++)
        {
            scratch.BlockWeight[blocks] = scratch.Weight[i];
            scratch.BlockSum[blocks] = scratch.Weight[i] * scratch.Target[i];
            scratch.BlockLength[blocks] = 1;
            blocks++;
            while (blocks > 1
                && scratch.BlockSum[blocks - 2] / scratch.BlockWeight[blocks - 2] > scratch.BlockSum[blocks - 1] / scratch.BlockWeight[blocks - 1])
            {
                scratch.BlockWeight[blocks - 2] += scratch.BlockWeight[blocks - 1];
                scratch.BlockSum[blocks - 2] += scratch.BlockSum[blocks - 1];
                scratch.BlockLength[blocks - 2] += scratch.BlockLength[blocks - 1];
                blocks--;
            }
        }

        var at = 0;
        for (var b = 0; b < blocks; b++)
        {
            var value = scratch.BlockSum[b] / scratch.BlockWeight[b];
            for (var k = 0; k < scratch.BlockLength[b]; k++)
            {
                scratch.Fitted[at++] = value;
            }
        }
    }

    private sealed class Scratch(int size)
    {
        public double[] Offset { get; } = new double[size];

        public double[] Target { get; } = new double[size];

        public double[] Weight { get; } = new double[size];

        public double[] Fitted { get; } = new double[size];

        public double[] BlockWeight { get; } = new double[size];

        public double[] BlockSum { get; } = new double[size];

        public int[] BlockLength { get; } = new int[size];
    }
}
