namespace Baton.Bench;

/// <summary>Timings of one phase over repeated runs.</summary>
internal sealed class Measurements
{
    private readonly List<double> _milliseconds = [];

    public void Add(double milliseconds) => _milliseconds.Add(milliseconds);

    public double Median
    {
        get
        {
            var sorted = _milliseconds.ToArray();
            Array.Sort(sorted);
            var middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    public double Min
    {
        get
        {
            var min = double.MaxValue;
            foreach (var value in _milliseconds)
            {
                min = Math.Min(min, value);
            }

            return min;
        }
    }

    public double Max
    {
        get
        {
            var max = double.MinValue;
            foreach (var value in _milliseconds)
            {
                max = Math.Max(max, value);
            }

            return max;
        }
    }
}
