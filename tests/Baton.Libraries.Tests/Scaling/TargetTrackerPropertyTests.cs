using Baton.Scaling;
using CsCheck;

namespace Baton.Libraries.Tests.Scaling;

public sealed class TargetTrackerPropertyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Gen<AutoscalePolicy> Policies =
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 20], Gen.Double[0.5, 100], Gen.Double[0, 0.3])
            .SelectMany(p => Gen.Select(
                Gen.Int[0, 10],
                Gen.Int[0, 30],
                Gen.Frequency((1, Gen.Const(int.MaxValue)), (2, Gen.Int[1, 5])),
                Gen.Int[1, 5],
                Gen.Frequency((3, Gen.Const(0)), (1, Gen.Int[1, 20])),
                (outWindow, inWindow, outStep, inStep, cooldown) => new AutoscalePolicy
                {
                    Min = p.Item1,
                    Max = p.Item1 + p.Item2,
                    Target = Math.Round(p.Item3, 2),
                    Tolerance = Math.Round(p.Item4, 2),
                    ScaleOutWindow = TimeSpan.FromSeconds(outWindow),
                    ScaleInWindow = TimeSpan.FromSeconds(inWindow),
                    ScaleOutMaxStep = outStep,
                    ScaleInMaxStep = inStep,
                    Cooldown = TimeSpan.FromSeconds(cooldown),
                }));

    /// <summary>A step of an observation feed: milliseconds since the previous one, replicas, metric ÷ target.</summary>
    private static readonly Gen<(int GapMs, int Replicas, double Ratio)> Steps =
        Gen.Select(
            Gen.Frequency((6, Gen.Const(1000)), (2, Gen.Int[0, 3000])),
            Gen.Int[0, 30],
            Gen.Frequency(
                (1, Gen.Const(double.NaN)),
                (2, Gen.Const(1.0)),
                (8, Gen.Double[0, 3])));

    /// <summary>Long runs of one step, so windows actually elapse, with the odd change between them.</summary>
    private static readonly Gen<(int GapMs, int Replicas, double Ratio)[]> Feeds =
        Gen.Select(Steps, Gen.Int[1, 80]).Array[1, 8]
            .Select(runs => runs.SelectMany(r => Enumerable.Repeat(r.Item1, r.Item2)).ToArray());

    private static IEnumerable<(DateTimeOffset At, int Replicas, double Metric, ScalingDecision Decision)> Run(
        AutoscalePolicy policy, (int GapMs, int Replicas, double Ratio)[] feed)
    {
        var tracker = new TargetTracker(policy);
        var at = T0;
        foreach (var (gap, replicas, ratio) in feed)
        {
            at = at.AddMilliseconds(gap);
            var metric = ratio * policy.Target;
            yield return (at, replicas, metric, tracker.Observe(at, replicas, metric));
        }
    }

    private static string Print(AutoscalePolicy policy) =>
        $"min {policy.Min} max {policy.Max} target {policy.Target} tol {policy.Tolerance} out {policy.ScaleOutWindow} in {policy.ScaleInWindow} steps +{policy.ScaleOutMaxStep}/-{policy.ScaleInMaxStep} cooldown {policy.Cooldown}";

    [Fact]
    public void Observe_AnyFeed_StaysWithinMinAndMaxAndKeepsTheCountWhenNotScaling()
    {
        Gen.Select(Policies, Feeds).Sample((policy, feed) =>
        {
            foreach (var (_, replicas, _, decision) in Run(policy, feed))
            {
                Assert.InRange(decision.DesiredReplicas, policy.Min, policy.Max);
                Assert.Equal(decision.Direction == ScalingDirection.None, decision.DesiredReplicas == replicas);
                Assert.Equal(
                    decision.Direction == ScalingDirection.Out ? 1 : decision.Direction == ScalingDirection.In ? -1 : 0,
                    Math.Sign(decision.DesiredReplicas - replicas));
            }
        }, iter: 300, print: t => Print(t.Item1));
    }

    [Fact]
    public void Observe_InsideTheToleranceBand_NeverChanges()
    {
        Gen.Select(Policies, Feeds).Sample((policy, feed) =>
        {
            foreach (var (_, replicas, metric, decision) in Run(policy, feed))
            {
                if (replicas >= Math.Max(1, policy.Min) && replicas <= policy.Max && Math.Abs((metric / policy.Target) - 1) <= policy.Tolerance)
                {
                    Assert.Equal(ScalingDirection.None, decision.Direction);
                }
            }
        }, iter: 300, print: t => Print(t.Item1));
    }

    [Fact]
    public void Observe_AnyFeed_ScalesOnlyAfterItsWindowOfUnbrokenObservations()
    {
        Gen.Select(Policies, Feeds).Sample((policy, feed) =>
        {
            DateTimeOffset? aboveSince = null;
            DateTimeOffset? belowSince = null;
            var previousReplicas = -1;
            foreach (var (at, replicas, metric, decision) in Run(policy, feed))
            {
                var inRange = replicas >= policy.Min && replicas <= policy.Max;
                var ratio = metric / policy.Target;
                var valid = inRange && double.IsFinite(metric);
                var above = valid && (replicas == 0 ? metric > 0 : ratio - 1 > policy.Tolerance + 1e-12);
                var below = valid && replicas > 0 && 1 - ratio > policy.Tolerance + 1e-12;
                var sameCount = replicas == previousReplicas;
                aboveSince = above ? (sameCount && aboveSince is { } a ? a : at) : null;
                belowSince = below ? (sameCount && belowSince is { } b ? b : at) : null;
                previousReplicas = replicas;
                if (!inRange)
                {
                    continue;
                }

                if (decision.Direction == ScalingDirection.In)
                {
                    Assert.True(belowSince is { } since && at - since >= policy.ScaleInWindow, decision.Reason);
                    Assert.True(replicas - decision.DesiredReplicas <= policy.ScaleInMaxStep, decision.Reason);
                }
                else if (decision.Direction == ScalingDirection.Out)
                {
                    Assert.True(aboveSince is { } since && at - since >= policy.ScaleOutWindow, decision.Reason);
                    Assert.True((long)decision.DesiredReplicas - replicas <= policy.ScaleOutMaxStep, decision.Reason);
                }
            }
        }, iter: 300, print: t => Print(t.Item1));
    }

    [Fact]
    public void Observe_HigherSustainedMetric_NeverYieldsFewerReplicas()
    {
        Gen.Select(Policies.Where(p => p.Max >= 1), Gen.Double[0, 4], Gen.Double[0, 4], Gen.Int[1, 30], Gen.Int[1, 90])
            .Sample((policy, r1, r2, replicas, seconds) =>
            {
                replicas = Math.Clamp(replicas, Math.Max(1, policy.Min), policy.Max);
                var lower = new TargetTracker(policy);
                var higher = new TargetTracker(policy);
                for (var s = 0; s <= seconds; s++)
                {
                    var at = T0.AddSeconds(s);
                    var low = lower.Observe(at, replicas, Math.Min(r1, r2) * policy.Target);
                    var high = higher.Observe(at, replicas, Math.Max(r1, r2) * policy.Target);

                    Assert.True(low.DesiredReplicas <= high.DesiredReplicas, $"{low.Reason}\n{high.Reason}");
                }
            }, iter: 300, print: t => Print(t.Item1));
    }

    [Fact]
    public void Observe_FixedLoadInAClosedLoop_ConvergesAndStays()
    {
        // The load is k × target × c0 in total, shared by however many replicas run, and each decision is applied at once.
        Gen.Select(Policies.Where(p => p.Max >= 1), Gen.Double[0.1, 5], Gen.Int[0, 30]).Sample((policy, k, start) =>
        {
            var load = k * policy.Target * Math.Max(1, start);
            var replicas = Math.Clamp(start, Math.Max(1, policy.Min), policy.Max);
            var tracker = new TargetTracker(policy);
            var lastChange = 0;
            const int seconds = 2500;
            for (var s = 0; s < seconds; s++)
            {
                var decision = tracker.Observe(T0.AddSeconds(s), replicas, load / replicas);
                if (decision.IsChange)
                {
                    replicas = decision.DesiredReplicas;
                    lastChange = s;
                }
            }

            var ideal = Math.Clamp((int)Math.Ceiling((load / policy.Target) - 1e-9), Math.Max(1, policy.Min), policy.Max);
            var inBand = Math.Abs((load / replicas / policy.Target) - 1) <= policy.Tolerance + 1e-9;
            Assert.True(replicas == ideal || inBand, $"ended at {replicas}, ideal {ideal}");
            Assert.True(lastChange < seconds - 200, $"still changing at {lastChange}");
        }, iter: 200, print: t => $"{Print(t.Item1)} k {t.Item2} start {t.Item3}");
    }
}
