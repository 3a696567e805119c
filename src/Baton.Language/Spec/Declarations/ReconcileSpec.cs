namespace Baton.Spec.Declarations;

/// <summary>How a control plane keeps the stack right (the stack file's <c>drift</c> and <c>reconcile</c> settings).</summary>
public sealed record ReconcileSpec
{
    /// <summary>The defaults: report drift, heal dead replicas, health every 5 s, full refresh every 60 s.</summary>
    public static ReconcileSpec Default { get; } = new();

    /// <summary>Whether drift is corrected by applying the stack back (<c>correct</c>) or only reported (<c>report</c>, the default).</summary>
    public bool CorrectDrift { get; init; }

    /// <summary>Whether dead replicas are started again (default true).</summary>
    public bool Heal { get; init; } = true;

    /// <summary>How often replicas' health is checked (default 5 s).</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often every resource is refreshed to find drift (default 60 s).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many failed health checks in a row make a live replica unhealthy (default 3).</summary>
    public int UnhealthyThreshold { get; init; } = 3;
}
