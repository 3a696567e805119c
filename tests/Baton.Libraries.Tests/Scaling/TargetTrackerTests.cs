using Baton.Scaling;

namespace Baton.Libraries.Tests.Scaling;

public sealed class TargetTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly AutoscalePolicy Policy = new() { Min = 1, Max = 10, Target = 50 };

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    /// <summary>Feeds one observation a second, from second <paramref name="from"/>, and returns every decision.</summary>
    private static List<ScalingDecision> Feed(TargetTracker tracker, int from, int replicas, params double[] metrics) =>
        [.. metrics.Select((metric, i) => tracker.Observe(At(from + i), replicas, metric))];

    [Fact]
    public void Observe_AboveTheBandForTheWholeOutWindow_ScalesOutProportionally()
    {
        var tracker = new TargetTracker(Policy);

        var decisions = Feed(tracker, 0, 2, 100, 100, 100, 100, 100, 100);

        Assert.All(decisions.Take(5), d => Assert.Equal(ScalingDirection.None, d.Direction));
        Assert.Contains("above the band for 4s of the 5s window; waiting", decisions[4].Reason, StringComparison.Ordinal);
        Assert.Equal((ScalingDirection.Out, 4), (decisions[5].Direction, decisions[5].DesiredReplicas));
    }

    [Fact]
    public void Observe_SpikeShorterThanTheOutWindow_DoesNotScale()
    {
        var tracker = new TargetTracker(Policy);

        var decisions = Feed(tracker, 0, 2, 500, 500, 500, 500, 50, 500, 500, 500, 500, 500);

        Assert.All(decisions, d => Assert.Equal(ScalingDirection.None, d.Direction));
    }

    [Fact]
    public void Observe_ScaleOut_TakesTheLowestRecommendationOfTheWindow()
    {
        var tracker = new TargetTracker(Policy);

        // Recommendations with 2 replicas: 8, 3, 6, 4, 8, 8; the window at second 5 covers them all.
        var decisions = Feed(tracker, 0, 2, 200, 75, 150, 100, 200, 200, 200, 200);

        Assert.Equal((ScalingDirection.Out, 3), (decisions[5].Direction, decisions[5].DesiredReplicas));
        Assert.Contains("lowest recommendation over the 5s window 3", decisions[5].Reason, StringComparison.Ordinal);
        // The window is closed at both ends: the 75 of second 1 counts at second 6 and has left it at second 7.
        Assert.Equal(3, decisions[6].DesiredReplicas);
        Assert.Equal(4, decisions[7].DesiredReplicas);
    }

    [Fact]
    public void Observe_BelowTheBand_WaitsForTheWholeInWindowAndStepsByOne()
    {
        var tracker = new TargetTracker(Policy);

        var decisions = Feed(tracker, 0, 6, [.. Enumerable.Repeat(10.0, 61)]);

        Assert.All(decisions.Take(60), d => Assert.Equal(ScalingDirection.None, d.Direction));
        Assert.Equal((ScalingDirection.In, 5), (decisions[60].Direction, decisions[60].DesiredReplicas));
        Assert.Contains("limited to -1", decisions[60].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_ScaleIn_TakesTheHighestRecommendationOfTheWindow()
    {
        var tracker = new TargetTracker(Policy with { ScaleInMaxStep = 10, ScaleInWindow = TimeSpan.FromSeconds(10) });

        // Recommendations with 8 replicas: 2 except one 5 at second 3.
        var metrics = Enumerable.Repeat(10.0, 15).ToArray();
        metrics[3] = 30;
        var decisions = Feed(tracker, 0, 8, metrics);

        Assert.Equal((ScalingDirection.In, 5), (decisions[10].Direction, decisions[10].DesiredReplicas));
        Assert.Equal(5, decisions[13].DesiredReplicas);
        Assert.Equal(2, decisions[14].DesiredReplicas);
    }

    [Fact]
    public void Observe_BelowRunInterruptedByTheBand_StartsTheInWindowOver()
    {
        var tracker = new TargetTracker(Policy);
        Feed(tracker, 0, 4, [.. Enumerable.Repeat(20.0, 50)]);
        tracker.Observe(At(50), 4, 50);

        var decisions = Feed(tracker, 51, 4, [.. Enumerable.Repeat(20.0, 61)]);

        Assert.All(decisions.Take(60), d => Assert.Equal(ScalingDirection.None, d.Direction));
        Assert.Equal(ScalingDirection.In, decisions[60].Direction);
        Assert.Equal(At(111), decisions[60].At);
    }

    [Fact]
    public void Observe_ReplicaCountChanges_StartsTheWindowOver()
    {
        var tracker = new TargetTracker(Policy);
        Feed(tracker, 0, 2, 100, 100, 100, 100);

        var decisions = Feed(tracker, 4, 3, 100, 100, 100, 100, 100, 100);

        Assert.All(decisions.Take(5), d => Assert.Equal(ScalingDirection.None, d.Direction));
        Assert.Equal((ScalingDirection.Out, 6), (decisions[5].Direction, decisions[5].DesiredReplicas));
    }

    [Fact]
    public void Observe_InsideTheBand_NeverChanges()
    {
        var tracker = new TargetTracker(Policy);

        var decisions = Feed(tracker, 0, 3, [.. Enumerable.Range(0, 100).Select(i => 45 + (i % 11))]);

        Assert.All(decisions, d => Assert.Equal((ScalingDirection.None, 3), (d.Direction, d.DesiredReplicas)));
        Assert.Contains("within the tolerance band", decisions[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_OutsideMinOrMax_IsCorrectedAtOnceEvenWithoutAMetric()
    {
        var tracker = new TargetTracker(Policy with { Min = 2 });

        var low = tracker.Observe(At(0), 0, double.NaN);
        var high = tracker.Observe(At(1), 14, 50);

        Assert.Equal((ScalingDirection.Out, 2), (low.Direction, low.DesiredReplicas));
        Assert.Contains("below min 2", low.Reason, StringComparison.Ordinal);
        Assert.Equal((ScalingDirection.In, 10), (high.Direction, high.DesiredReplicas));
    }

    [Fact]
    public void Observe_MissingMetric_DecidesNothingAndSaysWhy()
    {
        var tracker = new TargetTracker(Policy);

        var decisions = Feed(tracker, 0, 3, double.NaN, double.PositiveInfinity, -1);

        Assert.All(decisions, d =>
        {
            Assert.Equal((ScalingDirection.None, 3), (d.Direction, d.DesiredReplicas));
            Assert.Contains("metric is missing", d.Reason, StringComparison.Ordinal);
            Assert.Null(d.ProportionalReplicas);
        });
    }

    [Fact]
    public void Observe_MissingMetricInsideAnAboveRun_StartsItOver()
    {
        var tracker = new TargetTracker(Policy);

        var decisions = Feed(tracker, 0, 2, 100, 100, 100, double.NaN, 100, 100, 100, 100, 100, 100);

        Assert.All(decisions.Take(9), d => Assert.Equal(ScalingDirection.None, d.Direction));
        Assert.Equal(ScalingDirection.Out, decisions[9].Direction);
    }

    [Fact]
    public void Observe_ZeroReplicasWithMinZero_StaysAtZeroWithoutDemandAndWakesToOneWithIt()
    {
        var tracker = new TargetTracker(Policy with { Min = 0 });

        var idle = Feed(tracker, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var busy = Feed(tracker, 7, 0, 3, 3, 3, 3, 3, 3);

        Assert.All(idle, d => Assert.Equal((ScalingDirection.None, 0), (d.Direction, d.DesiredReplicas)));
        Assert.Contains("no replicas and no demand", idle[0].Reason, StringComparison.Ordinal);
        Assert.Equal((ScalingDirection.Out, 1), (busy[5].Direction, busy[5].DesiredReplicas));
    }

    [Fact]
    public void Observe_ScaleOutStep_LimitsOneDecision()
    {
        var tracker = new TargetTracker(Policy with { ScaleOutMaxStep = 2, Max = 100 });

        var decisions = Feed(tracker, 0, 2, 500, 500, 500, 500, 500, 500);

        Assert.Equal((ScalingDirection.Out, 4, 20), (decisions[5].Direction, decisions[5].DesiredReplicas, decisions[5].ProportionalReplicas));
        Assert.Contains("limited to +2", decisions[5].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_ProportionalAboveMax_IsClampedAndThenHolds()
    {
        var tracker = new TargetTracker(Policy);

        var first = Feed(tracker, 0, 4, 1000, 1000, 1000, 1000, 1000, 1000);
        var atMax = Feed(tracker, 6, 10, 1000, 1000, 1000, 1000, 1000, 1000);

        Assert.Equal(10, first[5].DesiredReplicas);
        Assert.Equal((ScalingDirection.None, 10), (atMax[5].Direction, atMax[5].DesiredReplicas));
        Assert.Contains("at max", atMax[5].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_Cooldown_HoldsTheNextChange()
    {
        var tracker = new TargetTracker(Policy with { ScaleOutWindow = TimeSpan.Zero, Cooldown = TimeSpan.FromSeconds(30), Max = 100 });

        var first = tracker.Observe(At(0), 2, 100);
        var held = tracker.Observe(At(10), 4, 100);
        var next = tracker.Observe(At(30), 4, 100);

        Assert.Equal((ScalingDirection.Out, 4), (first.Direction, first.DesiredReplicas));
        Assert.Equal(ScalingDirection.None, held.Direction);
        Assert.Contains("cooling down", held.Reason, StringComparison.Ordinal);
        Assert.Equal((ScalingDirection.Out, 8), (next.Direction, next.DesiredReplicas));
    }

    [Fact]
    public void Observe_EarlierThanThePrevious_IsIgnored()
    {
        var tracker = new TargetTracker(Policy with { ScaleOutWindow = TimeSpan.Zero });
        tracker.Observe(At(10), 2, 50);

        var decision = tracker.Observe(At(5), 2, 500);

        Assert.Equal(ScalingDirection.None, decision.Direction);
        Assert.Contains("earlier than the previous one", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_Reason_NamesTheInputs()
    {
        var tracker = new TargetTracker(Policy with { ScaleOutWindow = TimeSpan.Zero });

        var decision = tracker.Observe(At(0), 3, 87.5);

        Assert.Equal(
            "metric 87.5 per replica, target 50 ±10%, 3 replicas, proportional 6: above the band for 0s; lowest recommendation over the 0s window 6; scaling out 3 → 6",
            decision.Reason);
    }

    [Fact]
    public void Validate_BadPolicy_ListsEveryProblem()
    {
        var policy = new AutoscalePolicy
        {
            Min = -1,
            Max = -2,
            Target = 0,
            Tolerance = 1,
            ScaleOutWindow = TimeSpan.FromSeconds(-1),
            ScaleInWindow = TimeSpan.FromSeconds(-1),
            ScaleOutMaxStep = 0,
            ScaleInMaxStep = 0,
            Cooldown = TimeSpan.FromSeconds(-1),
        };

        Assert.Equal(9, policy.Validate().Length);
        Assert.Contains("max (-2) must be at least min (-1)", policy.Validate());
        Assert.Throws<ArgumentException>(() => new TargetTracker(policy));
    }

    [Fact]
    public void Validate_Defaults_AreValidAndWrittenDown()
    {
        var policy = new AutoscalePolicy { Min = 0, Max = 0, Target = 1 };

        Assert.Empty(policy.Validate());
        Assert.Equal((0.1, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), int.MaxValue, 1, TimeSpan.Zero),
            (policy.Tolerance, policy.ScaleOutWindow, policy.ScaleInWindow, policy.ScaleOutMaxStep, policy.ScaleInMaxStep, policy.Cooldown));
    }
}
