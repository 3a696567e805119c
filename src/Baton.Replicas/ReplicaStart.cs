
namespace Baton.Replicas;

/// <summary>
/// What starting one replica gave: the replica, or why it could not start (a message naming the replica, with its log
/// tail where there is one). <paramref name="LogMark"/> is where the replica's own output starts in a log it may share
/// with the replica it replaces, given back to <see cref="IReplicaDriver{TReplica}.LogTailAsync"/>.
/// </summary>
/// <typeparam name="TReplica">The driver's replica record.</typeparam>
/// <param name="Replica">The started replica.</param>
/// <param name="Error">Why it did not start.</param>
/// <param name="LogMark">Where its output starts, for the driver.</param>
public sealed record ReplicaStart<TReplica>(TReplica? Replica, string? Error, long LogMark = 0)
    where TReplica : IReplica<TReplica>;
