namespace Baton.Metrics;

/// <summary>CPU use of one replica between two samples, as a fraction of one core.</summary>
public static class CpuRate
{
    /// <summary>
    /// <c>ticks delta ÷ (ticksPerSecond × seconds elapsed)</c>: 0.5 is half a core, 2.0 two full cores.
    /// Fewer ticks in <paramref name="later"/> than in <paramref name="earlier"/> means the process restarted, and
    /// its ticks count from 0 (a lower bound for the interval). Null when no time has passed between the samples.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ticksPerSecond"/> is less than 1.</exception>
    public static double? Fraction(CpuSample earlier, CpuSample later, long ticksPerSecond = ProcCpu.DefaultTicksPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ticksPerSecond, 1);
        var seconds = (later.At - earlier.At).TotalSeconds;
        if (seconds <= 0)
        {
            return null;
        }

        var delta = later.Ticks >= earlier.Ticks ? later.Ticks - earlier.Ticks : later.Ticks;
        return delta / (ticksPerSecond * seconds);
    }
}
