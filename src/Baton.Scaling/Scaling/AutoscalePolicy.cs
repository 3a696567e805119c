using System.Collections.Immutable;

namespace Baton.Scaling;

/// <summary>
/// Target tracking: keep a per-replica metric near <see cref="Target"/> by running between <see cref="Min"/> and
/// <see cref="Max"/> replicas. Every default is written here; <see cref="Validate"/> says what is wrong.
/// </summary>
public sealed record AutoscalePolicy
{
    /// <summary>The fewest replicas; 0 allows scaling to zero.</summary>
    public required int Min { get; init; }

    /// <summary>The most replicas.</summary>
    public required int Max { get; init; }

    /// <summary>The metric value per replica to hold, such as 0.6 (CPU fraction) or 100 (requests per second).</summary>
    public required double Target { get; init; }

    /// <summary>No change while <c>|metric ÷ target − 1|</c> is at most this. Default 0.1: a ±10 % band.</summary>
    public double Tolerance { get; init; } = 0.1;

    /// <summary>How long the metric must stay above the band before scaling out. Default 5 s.</summary>
    public TimeSpan ScaleOutWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the metric must stay below the band before scaling in. Default 60 s.</summary>
    public TimeSpan ScaleInWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most replicas one decision adds. Default <see cref="int.MaxValue"/>: no limit.</summary>
    public int ScaleOutMaxStep { get; init; } = int.MaxValue;

    /// <summary>The most replicas one decision removes. Default 1.</summary>
    public int ScaleInMaxStep { get; init; } = 1;

    /// <summary>
    /// The least time between two changes the tracker decides. Default zero: the windows alone pace scaling.
    /// Corrections into [<see cref="Min"/>, <see cref="Max"/>] ignore it.
    /// </summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.Zero;

    /// <summary>Every problem with the policy, one sentence each; empty when it is valid.</summary>
    public ImmutableArray<string> Validate()
    {
        var errors = ImmutableArray.CreateBuilder<string>();
        if (Min < 0)
        {
            errors.Add($"min must be at least 0, not {Min}");
        }

        if (Max < Min)
        {
            errors.Add($"max ({Max}) must be at least min ({Min})");
        }

        if (!double.IsFinite(Target) || Target <= 0)
        {
            errors.Add($"target must be a number above 0, not {Target}");
        }

        if (!double.IsFinite(Tolerance) || Tolerance < 0 || Tolerance >= 1)
        {
            errors.Add($"tolerance must be at least 0 and below 1, not {Tolerance}");
        }

        if (ScaleOutWindow < TimeSpan.Zero)
        {
            errors.Add($"the scale-out window must not be negative, not {ScaleOutWindow}");
        }

        if (ScaleInWindow < TimeSpan.Zero)
        {
            errors.Add($"the scale-in window must not be negative, not {ScaleInWindow}");
        }

        if (ScaleOutMaxStep < 1)
        {
            errors.Add($"the scale-out step must be at least 1, not {ScaleOutMaxStep}");
        }

        if (ScaleInMaxStep < 1)
        {
            errors.Add($"the scale-in step must be at least 1, not {ScaleInMaxStep}");
        }

        if (Cooldown < TimeSpan.Zero)
        {
            errors.Add($"the cooldown must not be negative, not {Cooldown}");
        }

        return errors.ToImmutable();
    }
}
