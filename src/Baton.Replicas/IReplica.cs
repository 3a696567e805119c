using Baton.Values;

namespace Baton.Replicas;

/// <summary>
/// One started replica as a driver remembers it. The shared machinery needs only its index, its port and whether a
/// rolling update that has not finished started it; the driver adds its own identity (a pid and start time, a
/// container id).
/// </summary>
/// <typeparam name="TSelf">The driver's replica record.</typeparam>
public interface IReplica<TSelf>
    where TSelf : IReplica<TSelf>
{
    /// <summary>Its index, 0 to replicas - 1 (a surplus index while scaling down).</summary>
    int Index { get; }

    /// <summary>Its port on 127.0.0.1, when the service has one.</summary>
    int? Port { get; }

    /// <summary>Whether a rolling update that has not finished started it (it runs the update's inputs).</summary>
    bool Rollout { get; }

    /// <summary>
    /// The inputs it runs when they are neither the service's nor its rollout's: a replica an earlier rolling update
    /// started and did not finish, to inputs a later one no longer asks for. Null otherwise (always, for a driver that
    /// tells what a replica runs from the replica itself, as containers do by their labels).
    /// </summary>
    Value? OwnInputs { get; }

    /// <summary>This replica with <see cref="Rollout"/> set to <paramref name="rollout"/>.</summary>
    TSelf WithRollout(bool rollout);

    /// <summary>This replica with <see cref="OwnInputs"/> set to <paramref name="inputs"/>.</summary>
    TSelf WithOwnInputs(Value? inputs);
}
