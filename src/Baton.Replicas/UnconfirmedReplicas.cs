using Baton.Values;

namespace Baton.Replicas;

/// <summary>
/// Replicas whose readiness nobody confirmed: a create interrupted while it waited for them leaves them running, and
/// they must count as an unfinished rollout's until an update waits for them (<see cref="ReplicaSet{TReplica}"/>).
/// </summary>
public static class UnconfirmedReplicas
{
    /// <summary>
    /// <paramref name="service"/> with every replica that <paramref name="attributes"/> (the state's, from an earlier
    /// read) mark as of an unfinished rollout marked so too, when <paramref name="same"/> says the state's entry is that
    /// replica. The mark is how a replica whose readiness nobody confirmed (a create interrupted while it waited) stays
    /// drift across reads until an update waits for it.
    /// </summary>
    public static ServiceState<TReplica> KeepUnconfirmed<TReplica>(ServiceState<TReplica> service, Value? attributes, Func<TReplica, IReadOnlyDictionary<string, Value>, bool> same)
        where TReplica : IReplica<TReplica>
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(same);
        if (attributes is not { Kind: ValueKind.Map } map || !map.AsMap().TryGetValue("replicas_state", out var states) || states.Kind != ValueKind.List)
        {
            return service;
        }

        var marked = states.AsList()
            .Where(s => s.Kind == ValueKind.Map && s.AsMap().TryGetValue("rollout", out var rollout) && rollout == Value.True)
            .Select(s => s.AsMap())
            .ToList();
        return marked.Count == 0 ? service : service with
        {
            Replicas = [.. service.Replicas.Select(r => !r.Rollout && marked.Any(s => same(r, s)) ? r.WithRollout(true) : r)],
        };
    }
}
