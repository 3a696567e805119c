using Baton.Engine.Retrying;
using Baton.Spec.Declarations;
using CsCheck;

namespace Baton.Engine.Tests.Retrying;

/// <summary>The one retry policy (applier, workflow steps, reconciler heals), over generated policies and draws.</summary>
public sealed class RetryPolicyTests
{
    private static readonly Gen<RetryPolicy> Policies =
        from backoffMs in Gen.Int[0, 60_000]
        from coefficient in Gen.Double[1, 10]
        from maxMs in Gen.Int[0, 600_000]
        from attempts in Gen.Int[1, 20]
        select new RetryPolicy(attempts, TimeSpan.FromMilliseconds(backoffMs), coefficient, TimeSpan.FromMilliseconds(maxMs));

    /// <summary>The exponential ceiling before retry number <paramref name="retry"/>, capped.</summary>
    private static double CeilingSeconds(RetryPolicy policy, int retry) =>
        Math.Min(policy.MaxDelay.TotalSeconds, policy.FirstDelay.TotalSeconds * Math.Pow(policy.Coefficient, retry - 1));

    // A tick of slack: TimeSpan.FromSeconds rounds to whole ticks.
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Fact]
    public void Delay_IsWithinZeroAndTheCappedExponentialCeiling() =>
        Gen.Select(Policies, Gen.Int[1, 39], Gen.Double[0, 1]).Sample((retry, next, draw) =>
        {
            var delay = retry.Delay(next, draw);
            return delay >= TimeSpan.Zero
                && delay <= TimeSpan.FromSeconds(CeilingSeconds(retry, next)) + Tick
                && delay <= retry.MaxDelay + Tick;
        });

    [Fact]
    public void Delay_IsNeverBelowRetryAfter() =>
        Gen.Select(Policies, Gen.Int[1, 39], Gen.Double[0, 1], Gen.Int[0, 1_000_000]).Sample((retry, next, draw, afterMs) =>
        {
            var retryAfter = TimeSpan.FromMilliseconds(afterMs);
            var delay = retry.Delay(next, draw, retryAfter);
            return delay >= retryAfter && delay >= retry.Delay(next, draw) - Tick;
        });

    [Fact]
    public void Ceiling_IsMonotoneInTheAttempt_AndCappedAtMaxBackoff() =>
        Gen.Select(Policies, Gen.Int[1, 59]).Sample((retry, next) =>
        {
            var ceiling = retry.Ceiling(next);
            return retry.Ceiling(next + 1) >= ceiling && ceiling <= retry.MaxDelay + Tick;
        });

    [Fact]
    public void Ceiling_ReachesMaxBackoff_WhenTheExponentialGrowsPastIt() =>
        Gen.Select(Policies, Gen.Int[1, 199]).Sample((retry, next) =>
            retry.FirstDelay.TotalSeconds * Math.Pow(retry.Coefficient, next - 1) < retry.MaxDelay.TotalSeconds
            || Math.Abs((retry.Ceiling(next) - retry.MaxDelay).TotalMilliseconds) < 1);

    [Fact]
    public void Delay_WithADrawOfOne_IsTheCeiling_AndTheFirstRetryWaitsTheBackoff()
    {
        var retry = RetryPolicy.Of(new RetrySpec { Attempts = 5, Backoff = TimeSpan.FromMilliseconds(300), Coefficient = 2, MaxBackoff = TimeSpan.FromSeconds(1) });
        Assert.Equal(TimeSpan.FromMilliseconds(300), retry.Delay(1, 1));
        Assert.Equal(TimeSpan.FromMilliseconds(600), retry.Delay(2, 1));
        Assert.Equal(TimeSpan.FromSeconds(1), retry.Delay(3, 1));
        Assert.Equal(TimeSpan.FromSeconds(1), retry.Delay(29, 1));
        Assert.Equal(TimeSpan.Zero, retry.Delay(2, 0));
        Assert.Equal(TimeSpan.FromSeconds(5), retry.Delay(2, 0.5, TimeSpan.FromSeconds(5)));
        Assert.True(retry.AllowsRetryAfter(4));
        Assert.False(retry.AllowsRetryAfter(5));
    }

    [Fact]
    public void Seeded_IsRepeatable_AndDrawsInTheUnitInterval()
    {
        var first = Jitter.Seeded(7);
        var second = Jitter.Seeded(7);
        var draws = Enumerable.Range(0, 100).Select(_ => first()).ToList();

        Assert.Equal(draws, Enumerable.Range(0, 100).Select(_ => second()));
        Assert.All(draws, d => Assert.InRange(d, 0, 1));
        Assert.True(draws.Distinct().Count() > 90);
    }
}
