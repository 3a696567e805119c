
namespace Baton.Replicas;

/// <summary>A replica as a read sees it: alive or not, healthy (null without a health check) and its exit status.</summary>
/// <typeparam name="TReplica">The driver's replica record.</typeparam>
/// <param name="Replica">The replica.</param>
/// <param name="Alive">Whether it runs.</param>
/// <param name="Healthy">Whether its health check passed (false when it is not alive; null without a check).</param>
/// <param name="ExitCode">Its exit status when it exited and the status is known.</param>
public sealed record ReplicaView<TReplica>(TReplica Replica, bool Alive, bool? Healthy, int? ExitCode)
    where TReplica : IReplica<TReplica>;
