using Baton.Metrics;
using CsCheck;

namespace Baton.Libraries.Tests.Scaling.Metrics;

public sealed class RateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void CpuRate_HalfACoreForTwoSeconds_IsOneHalf()
    {
        var fraction = CpuRate.Fraction(new CpuSample { At = T0, Ticks = 1000 }, new CpuSample { At = T0.AddSeconds(2), Ticks = 1100 });

        Assert.Equal(0.5, fraction);
    }

    [Fact]
    public void CpuRate_OtherTickRate_IsUsed()
    {
        var fraction = CpuRate.Fraction(new CpuSample { At = T0, Ticks = 0 }, new CpuSample { At = T0.AddSeconds(1), Ticks = 500 }, ticksPerSecond: 250);

        Assert.Equal(2.0, fraction);
    }

    [Fact]
    public void CpuRate_FewerTicks_CountsFromZero()
    {
        var fraction = CpuRate.Fraction(new CpuSample { At = T0, Ticks = 5000 }, new CpuSample { At = T0.AddSeconds(4), Ticks = 80 });

        Assert.Equal(0.2, fraction);
    }

    [Fact]
    public void CpuRate_NoTimeElapsed_IsNull()
    {
        Assert.Null(CpuRate.Fraction(new CpuSample { At = T0, Ticks = 1 }, new CpuSample { At = T0, Ticks = 5 }));
        Assert.Null(CpuRate.Fraction(new CpuSample { At = T0, Ticks = 1 }, new CpuSample { At = T0.AddSeconds(-1), Ticks = 5 }));
    }

    [Fact]
    public void CounterRate_Increase_IsPerSecond()
    {
        var rate = CounterRate.PerSecond(new CounterSample { At = T0, Value = 100 }, new CounterSample { At = T0.AddMilliseconds(2500), Value = 125 });

        Assert.Equal(10, rate);
    }

    [Fact]
    public void CounterRate_Reset_TreatsTheNewValueAsTheIncrease()
    {
        var rate = CounterRate.PerSecond(new CounterSample { At = T0, Value = 1_000_000 }, new CounterSample { At = T0.AddSeconds(10), Value = 30 });

        Assert.Equal(3, rate);
    }

    [Fact]
    public void CounterRate_NoTimeOrNotFinite_IsNull()
    {
        Assert.Null(CounterRate.PerSecond(new CounterSample { At = T0, Value = 1 }, new CounterSample { At = T0, Value = 2 }));
        Assert.Null(CounterRate.PerSecond(new CounterSample { At = T0, Value = double.NaN }, new CounterSample { At = T0.AddSeconds(1), Value = 2 }));
        Assert.Null(CounterRate.PerSecond(new CounterSample { At = T0, Value = 1 }, new CounterSample { At = T0.AddSeconds(1), Value = double.PositiveInfinity }));
    }

    [Fact]
    public void CounterRate_AnyTwoSamples_IsNeverNegative()
    {
        Gen.Select(Gen.Double[0, 1e12], Gen.Double[0, 1e12], Gen.Int[1, 100_000]).Sample((before, after, ms) =>
        {
            var rate = CounterRate.PerSecond(new CounterSample { At = T0, Value = before }, new CounterSample { At = T0.AddMilliseconds(ms), Value = after });

            Assert.NotNull(rate);
            Assert.True(rate >= 0);
        });
    }
}
