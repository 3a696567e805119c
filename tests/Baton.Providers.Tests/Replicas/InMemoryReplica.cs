using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Tests.Replicas;

/// <summary>
/// A replica of <see cref="InMemoryReplicaDriver"/>'s world: its index and port, whether an unfinished rolling update
/// started it, the inputs version it really runs, and a serial no other replica ever shares (its identity, as a pid
/// and start time are for a process).
/// </summary>
internal sealed record InMemoryReplica(int Index, int? Port, bool Rollout, int Version, int Serial, Value? OwnInputs = null) : IReplica<InMemoryReplica>
{
    public InMemoryReplica WithRollout(bool rollout) => this with { Rollout = rollout };

    public InMemoryReplica WithOwnInputs(Value? inputs) => this with { OwnInputs = inputs };

    public override string ToString() => $"#{Serial}(i{Index} v{Version}{(Rollout ? " rollout" : "")}{(Port is { } port ? $" :{port}" : "")})";
}
