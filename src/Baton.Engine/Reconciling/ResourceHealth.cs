namespace Baton.Engine.Reconciling;

/// <summary>What the reconciler last saw of a resource's replicas.</summary>
/// <param name="Replicas">How many replicas the resource has.</param>
/// <param name="Alive">How many are running.</param>
/// <param name="Healthy">How many are running and pass their health check (all running ones when there is none).</param>
/// <param name="CheckedAt">When.</param>
public sealed record ResourceHealth(int Replicas, int Alive, int Healthy, DateTimeOffset CheckedAt)
{
    /// <summary><c>healthy</c> (every replica), <c>degraded</c> (some) or <c>down</c> (none).</summary>
    public string State => Healthy == Replicas ? "healthy" : Healthy == 0 ? "down" : "degraded";
}
