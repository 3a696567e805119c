namespace Baton.Scaling;

/// <summary>What <see cref="TargetTracker"/> recommends after one observation, and why.</summary>
public sealed record ScalingDecision
{
    /// <summary>The time of the observation.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The replica count observed.</summary>
    public required int CurrentReplicas { get; init; }

    /// <summary>The replica count to run; equal to <see cref="CurrentReplicas"/> when <see cref="Direction"/> is None.</summary>
    public required int DesiredReplicas { get; init; }

    /// <summary>Whether to scale, and which way.</summary>
    public required ScalingDirection Direction { get; init; }

    /// <summary>The metric per replica observed (NaN when it was missing).</summary>
    public required double Metric { get; init; }

    /// <summary><c>ceil(current × metric ÷ target)</c> for this observation alone, before stabilisation, limits and clamping; null when it could not be computed.</summary>
    public int? ProportionalReplicas { get; init; }

    /// <summary>One line for people: the inputs, the rule that applied and the outcome.</summary>
    public required string Reason { get; init; }

    /// <summary>Whether the decision changes the replica count.</summary>
    public bool IsChange => Direction != ScalingDirection.None;
}
