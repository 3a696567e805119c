namespace Baton.Metrics;

/// <summary>The per-second rate of a counter between two samples.</summary>
public static class CounterRate
{
    /// <summary>
    /// <c>increase ÷ seconds elapsed</c>. A value lower than the earlier one is a counter reset (the process
    /// restarted), so the increase is the later value itself, counted from 0. Null when no time has passed, or
    /// either value is NaN or infinite.
    /// </summary>
    public static double? PerSecond(CounterSample earlier, CounterSample later)
    {
        var seconds = (later.At - earlier.At).TotalSeconds;
        if (seconds <= 0 || !double.IsFinite(earlier.Value) || !double.IsFinite(later.Value))
        {
            return null;
        }

        var increase = later.Value >= earlier.Value ? later.Value - earlier.Value : later.Value;
        return increase / seconds;
    }
}
