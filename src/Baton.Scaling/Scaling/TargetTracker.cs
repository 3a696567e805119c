using System.Globalization;

namespace Baton.Scaling;

/// <summary>
/// Target-tracking autoscaling, pure and deterministic: fed one observation about every second, it recommends a
/// replica count. The rule is proportional, <c>desired = ceil(current × metric ÷ target)</c>, with a tolerance
/// band around the target in which nothing changes. Like the Kubernetes HPA's stabilisation, a scale-out needs the
/// metric above the band for the whole scale-out window and takes the <em>lowest</em> recommendation of that
/// window, so a short spike does not over-scale; a scale-in needs it below the band for the whole scale-in window
/// and takes the <em>highest</em>. "Continuously" means every observation of the window, at the same replica count:
/// a missing metric, one inside the band or one on the other side, or a change of the replica count, starts over.
/// A replica count outside [Min, Max] is corrected at once.
/// </summary>
/// <remarks>
/// Observations must come in time order; one earlier than the previous is ignored. The tracker keeps only the
/// recommendations of the current window. It is not thread-safe: one control loop owns one tracker.
/// </remarks>
public sealed class TargetTracker
{
    private readonly AutoscalePolicy _policy;
    private readonly Queue<(DateTimeOffset At, int Replicas)> _recommendations = new();
    private Band _runBand = Band.None;
    private int _runReplicas;
    private DateTimeOffset _runStart;
    private DateTimeOffset? _lastAt;
    private DateTimeOffset? _lastChangeAt;

    /// <summary>Creates a tracker for <paramref name="policy"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="policy"/> is not valid (see <see cref="AutoscalePolicy.Validate"/>).</exception>
    public TargetTracker(AutoscalePolicy policy)
    {
        var errors = policy.Validate();
        if (!errors.IsEmpty)
        {
            throw new ArgumentException("invalid autoscale policy: " + string.Join("; ", errors), nameof(policy));
        }

        _policy = policy;
    }

    private enum Band
    {
        None,
        Above,
        Below,
    }

    /// <summary>The policy the tracker applies.</summary>
    public AutoscalePolicy Policy => _policy;

    /// <summary>
    /// Takes one observation and decides. <paramref name="metricValuePerReplica"/> is the metric averaged over
    /// the replicas (NaN when it could not be read). With zero replicas a per-replica metric cannot be measured:
    /// a positive value then means demand nobody serves, and asks for one replica.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="currentReplicas"/> is negative.</exception>
    public ScalingDecision Observe(DateTimeOffset at, int currentReplicas, double metricValuePerReplica)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(currentReplicas);
        var inputs = new Inputs(at, currentReplicas, metricValuePerReplica, _policy);
        if (_lastAt is { } last && at < last)
        {
            return Correction(inputs) ?? inputs.Keep($"observation at {at:O} is earlier than the previous one at {last:O}; ignored");
        }

        _lastAt = at;
        if (Correction(inputs) is { } correction)
        {
            EndRun();
            return correction;
        }

        var metric = metricValuePerReplica;
        if (!double.IsFinite(metric) || metric < 0)
        {
            EndRun();
            return inputs.Keep("the metric is missing or not a finite non-negative number; no decision");
        }

        Band band;
        int proportional;
        if (currentReplicas == 0)
        {
            if (metric == 0)
            {
                EndRun();
                return inputs.Keep("no replicas and no demand; staying at 0");
            }

            band = Band.Above;
            proportional = 1;
        }
        else
        {
            var ratio = metric / _policy.Target;
            proportional = Proportional(currentReplicas * ratio);
            inputs = inputs with { Proportional = proportional };
            if (InBand(ratio))
            {
                EndRun();
                return inputs.Keep("within the tolerance band; no change");
            }

            band = ratio > 1 ? Band.Above : Band.Below;
        }

        inputs = inputs with { Proportional = proportional };
        var window = band == Band.Above ? _policy.ScaleOutWindow : _policy.ScaleInWindow;
        if (band != _runBand || currentReplicas != _runReplicas)
        {
            EndRun();
            _runBand = band;
            _runReplicas = currentReplicas;
            _runStart = at;
        }

        _recommendations.Enqueue((at, proportional));
        while (_recommendations.Peek().At < at - window)
        {
            _recommendations.Dequeue();
        }

        var side = band == Band.Above ? "above" : "below";
        var elapsed = at - _runStart;
        if (elapsed < window)
        {
            return inputs.Keep($"{side} the band for {Seconds(elapsed)} of the {Seconds(window)} window; waiting");
        }

        var stabilized = band == Band.Above
            ? _recommendations.Min(r => r.Replicas)
            : _recommendations.Max(r => r.Replicas);
        var stabilizedText = band == Band.Above
            ? $"lowest recommendation over the {Seconds(window)} window {stabilized}"
            : $"highest recommendation over the {Seconds(window)} window {stabilized}";
        long desired = Math.Clamp(stabilized, _policy.Min, _policy.Max);
        var limit = "";
        if (band == Band.Above && desired > (long)currentReplicas + _policy.ScaleOutMaxStep)
        {
            desired = (long)currentReplicas + _policy.ScaleOutMaxStep;
            limit = $", limited to +{_policy.ScaleOutMaxStep}";
        }
        else if (band == Band.Below && desired < (long)currentReplicas - _policy.ScaleInMaxStep)
        {
            desired = (long)currentReplicas - _policy.ScaleInMaxStep;
            limit = $", limited to -{_policy.ScaleInMaxStep}";
        }

        var target = (int)desired;
        if ((band == Band.Above && target <= currentReplicas) || (band == Band.Below && target >= currentReplicas))
        {
            var bound = band == Band.Above && currentReplicas == _policy.Max ? "; at max"
                : band == Band.Below && currentReplicas == _policy.Min ? "; at min"
                : "";
            return inputs.Keep($"{side} the band; {stabilizedText}{bound}; no change");
        }

        if (_lastChangeAt is { } changed && at - changed < _policy.Cooldown)
        {
            return inputs.Keep($"{side} the band; {stabilizedText}; cooling down until {Seconds(_policy.Cooldown)} after the last change");
        }

        _lastChangeAt = at;
        var direction = band == Band.Above ? ScalingDirection.Out : ScalingDirection.In;
        var verb = band == Band.Above ? "scaling out" : "scaling in";
        return inputs.Change(target, direction, $"{side} the band for {Seconds(elapsed)}; {stabilizedText}{limit}; {verb} {currentReplicas} → {target}");
    }

    /// <summary>Whether <paramref name="ratio"/> lies in the band; a ratio on its edge, give or take floating-point noise, does.</summary>
    private bool InBand(double ratio) => Math.Abs(ratio - 1) <= _policy.Tolerance + 1e-12;

    /// <summary><c>ceil</c>, except that a value within floating-point noise of a whole number is that number.</summary>
    private static int Proportional(double replicas)
    {
        var rounded = Math.Round(replicas);
        var value = Math.Abs(replicas - rounded) <= 1e-9 * Math.Max(1, Math.Abs(replicas)) ? rounded : Math.Ceiling(replicas);
        return value >= int.MaxValue ? int.MaxValue : (int)value;
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";

    private ScalingDecision? Correction(Inputs inputs)
    {
        if (inputs.Current < _policy.Min)
        {
            return inputs.Change(_policy.Min, ScalingDirection.Out, $"below min {_policy.Min}; scaling out {inputs.Current} → {_policy.Min}");
        }

        if (inputs.Current > _policy.Max)
        {
            return inputs.Change(_policy.Max, ScalingDirection.In, $"above max {_policy.Max}; scaling in {inputs.Current} → {_policy.Max}");
        }

        return null;
    }

    private void EndRun()
    {
        _runBand = Band.None;
        _recommendations.Clear();
    }

    private sealed record Inputs(DateTimeOffset At, int Current, double Metric, AutoscalePolicy Policy)
    {
        public int? Proportional { get; init; }

        public ScalingDecision Keep(string why) => Change(Current, ScalingDirection.None, why);

        public ScalingDecision Change(int desired, ScalingDirection direction, string why) => new()
        {
            At = At,
            CurrentReplicas = Current,
            DesiredReplicas = desired,
            Direction = direction,
            Metric = Metric,
            ProportionalReplicas = Proportional,
            Reason = $"metric {Number(Metric)} per replica, target {Number(Policy.Target)} ±{Number(Policy.Tolerance * 100)}%, "
                + $"{Current} replicas, proportional {(Proportional is { } p ? p.ToString(CultureInfo.InvariantCulture) : "n/a")}: {why}",
        };

        private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
