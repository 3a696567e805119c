using Baton.Engine.Workflows;
using Baton.Spec.Model;
using CsCheck;

namespace Baton.Engine.Tests.Workflows;

public sealed class BackoffTests
{
    private static readonly Gen<RetrySpec> Policies =
        from backoffMs in Gen.Int[0, 60_000]
        from coefficient in Gen.Double[1, 10]
        from maxMs in Gen.Int[0, 600_000]
        from attempts in Gen.Int[1, 20]
        select new RetrySpec
        {
            Attempts = attempts,
            Backoff = TimeSpan.FromMilliseconds(backoffMs),
            Coefficient = coefficient,
            MaxBackoff = TimeSpan.FromMilliseconds(maxMs),
        };

    /// <summary>The exponential ceiling before attempt <paramref name="next"/>, capped.</summary>
    private static double CeilingSeconds(RetrySpec retry, int next) =>
        Math.Min(retry.MaxBackoff.TotalSeconds, retry.Backoff.TotalSeconds * Math.Pow(retry.Coefficient, next - 2));

    // A tick of slack: TimeSpan.FromSeconds rounds to whole ticks.
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Fact]
    public void Delay_IsWithinZeroAndTheCappedExponentialCeiling() =>
        Gen.Select(Policies, Gen.Int[2, 40], Gen.Double[0, 1]).Sample((retry, next, draw) =>
        {
            var delay = Backoff.Delay(retry, next, draw);
            return delay >= TimeSpan.Zero
                && delay <= TimeSpan.FromSeconds(CeilingSeconds(retry, next)) + Tick
                && delay <= retry.MaxBackoff + Tick;
        });

    [Fact]
    public void Delay_IsNeverBelowRetryAfter() =>
        Gen.Select(Policies, Gen.Int[2, 40], Gen.Double[0, 1], Gen.Int[0, 1_000_000]).Sample((retry, next, draw, afterMs) =>
        {
            var retryAfter = TimeSpan.FromMilliseconds(afterMs);
            var delay = Backoff.Delay(retry, next, draw, retryAfter);
            return delay >= retryAfter && delay >= Backoff.Delay(retry, next, draw) - Tick;
        });

    [Fact]
    public void Ceiling_IsMonotoneInTheAttempt_AndCappedAtMaxBackoff() =>
        Gen.Select(Policies, Gen.Int[2, 60]).Sample((retry, next) =>
        {
            var ceiling = Backoff.Ceiling(retry, next);
            return Backoff.Ceiling(retry, next + 1) >= ceiling && ceiling <= retry.MaxBackoff + Tick;
        });

    [Fact]
    public void Ceiling_ReachesMaxBackoff_WhenTheExponentialGrowsPastIt() =>
        Gen.Select(Policies, Gen.Int[2, 200]).Sample((retry, next) =>
            retry.Backoff.TotalSeconds * Math.Pow(retry.Coefficient, next - 2) < retry.MaxBackoff.TotalSeconds
            || Math.Abs((Backoff.Ceiling(retry, next) - retry.MaxBackoff).TotalMilliseconds) < 1);

    [Fact]
    public void Delay_WithADrawOfOne_IsTheCeiling_AndTheFirstRetryWaitsTheBackoff()
    {
        var retry = new RetrySpec { Attempts = 5, Backoff = TimeSpan.FromMilliseconds(300), Coefficient = 2, MaxBackoff = TimeSpan.FromSeconds(1) };
        Assert.Equal(TimeSpan.FromMilliseconds(300), Backoff.Delay(retry, 2, 1));
        Assert.Equal(TimeSpan.FromMilliseconds(600), Backoff.Delay(retry, 3, 1));
        Assert.Equal(TimeSpan.FromSeconds(1), Backoff.Delay(retry, 4, 1));
        Assert.Equal(TimeSpan.FromSeconds(1), Backoff.Delay(retry, 30, 1));
        Assert.Equal(TimeSpan.Zero, Backoff.Delay(retry, 3, 0));
        Assert.Equal(TimeSpan.FromSeconds(5), Backoff.Delay(retry, 3, 0.5, TimeSpan.FromSeconds(5)));
    }
}
