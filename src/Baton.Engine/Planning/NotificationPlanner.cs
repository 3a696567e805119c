using System.Collections.Immutable;
using Baton.Binding;
using Baton.Plans;
using Baton.State;

namespace Baton.Engine.Planning;

/// <summary>
/// Which verbs an apply runs because of <c>notifies:</c>/<c>subscribes:</c>: one per target instance and verb, for
/// every instance that is created, updated or replaced, on the matching instance of the target (the same key — the
/// same host —, else the target's only instance, else, from an instance without a key, every instance of it). A
/// target that the plan creates, replaces or deletes gets none: it starts new, or goes. Notifications an interrupted
/// apply queued and never ran are carried over, marked pending.
/// </summary>
internal static class NotificationPlanner
{
    public static ImmutableArray<PlannedNotification> Plan(BoundStack stack, IReadOnlyList<ResourceChange> changes, StackState state, bool destroy)
    {
        if (destroy || (stack.Notifications.IsEmpty && state.Notifications.IsEmpty))
        {
            return [];
        }

        var current = changes.Where(c => c.DeposedKey is null).ToDictionary(c => c.Address, StringComparer.Ordinal);
        var instances = stack.Graph.Nodes.ToDictionary(n => n.Address.ToString(), StringComparer.Ordinal);
        var byResource = stack.Graph.Nodes.ToLookup(n => n.Address.Name, StringComparer.Ordinal);
        var planned = ImmutableArray.CreateBuilder<PlannedNotification>();
        var seen = new HashSet<(string, string)>();

        bool Receives(string target) =>
            current.TryGetValue(target, out var change)
                ? change.Action is ChangeAction.NoOp or ChangeAction.Update
                : instances.ContainsKey(target) && state.Resources.ContainsKey(target);

        foreach (var change in changes)
        {
            if (change.DeposedKey is not null || change.Action is not (ChangeAction.Create or ChangeAction.Update or ChangeAction.Replace)
                || !instances.TryGetValue(change.Address, out var source))
            {
                continue;
            }

            foreach (var notification in stack.Notifications.Where(n => n.Source == source.Address.Name))
            {
                foreach (var target in Targets(source, byResource[notification.Target].ToList()))
                {
                    var address = target.Address.ToString();
                    if (Receives(address) && seen.Add((address, notification.Verb)))
                    {
                        planned.Add(new PlannedNotification { Target = address, Verb = notification.Verb, Source = change.Address, Timing = notification.Timing });
                    }
                }
            }
        }

        foreach (var pending in state.Notifications)
        {
            if (Receives(pending.Target) && seen.Add((pending.Target, pending.Verb)))
            {
                planned.Add(new PlannedNotification { Target = pending.Target, Verb = pending.Verb, Source = pending.Source, Timing = "delayed", Pending = true });
            }
        }

        return planned.ToImmutable();
    }

    private static List<ResourceInstance> Targets(ResourceInstance source, List<ResourceInstance> targets)
    {
        if (source.Address.Key is { } key && targets.FirstOrDefault(t => Equals(t.Address.Key, key)) is { } same)
        {
            return [same];
        }

        if (targets is [{ Address.Key: null } only])
        {
            return [only];
        }

        return source.Address.Key is null ? targets : [];
    }
}
