using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>What the registry remembers of a service: its inputs (normalised) and the replicas it started.</summary>
internal sealed record ServiceRecord
{
    public required string Id { get; init; }

    public required string Address { get; init; }

    public required Value Inputs { get; init; }

    public required ImmutableArray<ReplicaRecord> Replicas { get; init; }

    /// <summary>The inputs of an unfinished rolling update, run by the replicas marked <see cref="ReplicaRecord.Rollout"/>.</summary>
    public Value? RolloutInputs { get; init; }

    /// <summary>The inputs <paramref name="replica"/> was started with.</summary>
    public Value InputsOf(ReplicaRecord replica) => replica.Rollout && RolloutInputs is { } rollout ? rollout : Inputs;
}
