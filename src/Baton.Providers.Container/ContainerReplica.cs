using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Container;

/// <summary>
/// One container of a service: its id and name, its index and published port (from its labels), the hash of the
/// inputs it runs, and its main process id on the host (0 when it does not run). <paramref name="Rollout"/> marks a
/// container that does not run the service's inputs: one a rolling update that has not finished started.
/// </summary>
internal sealed record ContainerReplica(int Index, string ContainerId, string Name, int? Port, string InputsHash, int Pid, bool Rollout = false) : IReplica<ContainerReplica>
{
    /// <summary>Always null: what a container runs is its own label (<see cref="InputsHash"/>), never the service's say.</summary>
    public Value? OwnInputs => null;

    public ContainerReplica WithRollout(bool rollout) => this with { Rollout = rollout };

    public ContainerReplica WithOwnInputs(Value? inputs) => this;

    /// <summary>The id as messages show it.</summary>
    public string ShortId => ContainerId.Length > 12 ? ContainerId[..12] : ContainerId;
}
