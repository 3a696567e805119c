using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Replicas;

/// <summary>What a driver remembers of a service: its inputs (normalised) and the replicas it started.</summary>
/// <typeparam name="TReplica">The driver's replica record.</typeparam>
public sealed record ServiceState<TReplica>
    where TReplica : IReplica<TReplica>
{
    /// <summary>The service's id.</summary>
    public required string Id { get; init; }

    /// <summary>The resource address, for messages.</summary>
    public required string Address { get; init; }

    /// <summary>The inputs of the last finished create or update.</summary>
    public required Value Inputs { get; init; }

    /// <summary>The replicas, by index (an index may appear twice during a rolling update: the old and the new).</summary>
    public required ImmutableArray<TReplica> Replicas { get; init; }

    /// <summary>The inputs of an unfinished rolling update, run by the replicas marked <see cref="IReplica{TSelf}.Rollout"/>, when known.</summary>
    public Value? RolloutInputs { get; init; }

    /// <summary>
    /// The idempotency key of the create, update or action now working on the service, for drivers that mark what they
    /// start with it (containers carry it as a label); null when not known.
    /// </summary>
    public string? Operation { get; init; }

    /// <summary>The inputs <paramref name="replica"/> was started with, as far as known.</summary>
    public Value InputsOf(TReplica replica) => replica.OwnInputs ?? (replica.Rollout && RolloutInputs is { } rollout ? rollout : Inputs);
}
