using System.Collections.Immutable;
using Baton.Providers;
using Baton.Values;

namespace Baton.Replicas;

/// <summary>
/// Plans a replicated service (the outputs <c>endpoints</c>, <c>pids</c> and <c>replicas_state</c>), whatever runs
/// its replicas. An input change makes <c>replicas_state</c> unknown until apply; <c>pids</c> and <c>endpoints</c> too
/// when replicas start or stop (a change of a replacing input or of <c>replicas</c>, or an unfinished rollout), so a
/// change of, say, the restart policy alone does not ripple into a load balancer in front. A replica found gone that
/// the restart policy says to start again is drift: it is planned alive (known), which the state read (alive: false)
/// contradicts, and so is an index missing with unchanged inputs (a rollout that stopped after stopping one), and a
/// replica of an unfinished rollout (one a create started and never saw ready, which the update waits for or replaces).
/// </summary>
public static class ServicePlanning
{
    /// <summary>The computed outputs every replicated service has besides <c>id</c>.</summary>
    public static ImmutableArray<string> ComputedOutputs { get; } = ["endpoints", "pids", "replicas_state"];

    /// <summary>
    /// Plans <paramref name="request"/> for the service type <paramref name="schema"/>. <paramref name="replacingInputs"/>
    /// are the inputs whose change replaces every replica; <paramref name="identityFields"/> the driver's own fields of
    /// a replica's state (a pid, a container id), unknown for a replica that will start.
    /// </summary>
    public static PlanResult Plan(
        ResourceTypeSchema schema, PlanRequest request, ReplicaSettings settings, IReadOnlyCollection<string> replacingInputs, IReadOnlyList<(string Name, BatonType Type)> identityFields)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(replacingInputs);
        ArgumentNullException.ThrowIfNull(identityFields);
        var plan = ResourcePlanning.Plan(schema, request);
        if (request.PriorAttributes is not { Kind: ValueKind.Map } prior)
        {
            return plan;
        }

        var planned = plan.PlannedAttributes.AsMap();
        var priorMap = prior.AsMap();
        bool Differs(string name) => !planned[name].IsWhollyKnown || !priorMap.TryGetValue(name, out var before) || before != planned[name];
        var changed = schema.Attributes.Where(a => !a.Computed).Any(a => Differs(a.Name));
        var count = ReplicaCount(prior);
        var replaced = replacingInputs.Append("replicas").Any(Differs) || HasRolloutReplica(prior) || count != settings.Replicas;
        var restarts = NeedsRestart(prior, settings);

        // Fewer replicas than asked for with the same inputs is drift too: the missing indexes are planned alive.
        var missing = !changed && count >= 0 && count < settings.Replicas
            ? Enumerable.Range(0, settings.Replicas).Where(i => !States(prior).Any(st => st.Kind == ValueKind.Map && st.AsMap().TryGetValue("index", out var n) && n.Kind == ValueKind.Number && (int)n.AsNumber() == i)).ToList()
            : [];
        restarts |= missing.Count > 0;

        // So is a replica of an unfinished rollout with the inputs unchanged: one a create started and never saw ready.
        restarts |= HasRolloutReplica(prior);
        if (!changed && !restarts)
        {
            return plan;
        }

        var builder = planned.ToBuilder();
        foreach (var name in ComputedOutputs)
        {
            builder[name] = !replaced && !restarts && name != "replicas_state" && priorMap.TryGetValue(name, out var kept)
                ? kept
                : Value.Unknown(schema.Attribute(name)!.Type);
        }

        if (!changed)
        {
            builder["replicas_state"] = Value.List(States(prior).Select(state => Healed(state, settings, identityFields))
                .Concat(missing.Select(index => Value.Map(identityFields.Select(f => new KeyValuePair<string, Value>(f.Name, Value.Unknown(f.Type))).Concat(
                [
                    new("index", Value.Number(index)),
                    new("port", Value.Unknown(BatonType.Number)),
                    new("alive", Value.True),
                    new("healthy", Value.Unknown(BatonType.Any)),
                    new("rollout", Value.Unknown(BatonType.Any)),
                    new("exit_code", Value.Null),
                ])))));
        }

        return plan with { PlannedAttributes = Value.Map(builder) };
    }

    /// <summary>The inputs as a service remembers them: every input of <paramref name="schema"/>, with defaults filled in.</summary>
    public static Value Normalize(ResourceTypeSchema schema, Value inputs)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var planned = ResourcePlanning.Plan(schema, new PlanRequest { Type = schema.Type, Address = "", Inputs = inputs });
        var map = planned.PlannedAttributes.AsMap();
        return Value.Map(schema.Attributes.Where(a => !a.Computed).Select(a => new KeyValuePair<string, Value>(a.Name, map[a.Name])));
    }

    /// <summary>Whether the inputs named <paramref name="names"/> are equal in <paramref name="a"/> and <paramref name="b"/> (a missing one is null).</summary>
    public static bool SameInputs(IEnumerable<string> names, Value a, Value b)
    {
        ArgumentNullException.ThrowIfNull(names);
        return names.All(name => Input(a, name) == Input(b, name));
    }

    private static Value Input(Value inputs, string name) =>
        inputs.Kind == ValueKind.Map && inputs.AsMap().TryGetValue(name, out var value) ? value : Value.Null;

    /// <summary>A replica's state as an update leaves it: one to restart, or to confirm, is alive with an identity, port and health known after apply.</summary>
    private static Value Healed(Value state, ReplicaSettings settings, IReadOnlyList<(string Name, BatonType Type)> identityFields)
    {
        if (state.Kind != ValueKind.Map || !(ShouldRestart(state, settings) || IsRollout(state)))
        {
            return state;
        }

        var unconfirmed = IsRollout(state);
        var builder = state.AsMap().ToBuilder();
        builder["alive"] = Value.True;
        builder["exit_code"] = Value.Null;
        foreach (var (name, type) in identityFields.Append(("port", BatonType.Number)).Append(("healthy", BatonType.Any)).Append(("rollout", BatonType.Any)))
        {
            if (builder.ContainsKey(name))
            {
                builder[name] = Value.Unknown(type);
            }
        }

        // Known, so the plan contradicts the state: the update confirms the replica (or replaces it).
        if (unconfirmed)
        {
            builder["rollout"] = Value.False;
        }

        return Value.Map(builder);
    }

    private static ImmutableArray<Value> States(Value attributes) =>
        attributes.AsMap().TryGetValue("replicas_state", out var states) && states.Kind == ValueKind.List ? states.AsList() : [];

    private static int ReplicaCount(Value attributes) =>
        attributes.AsMap().TryGetValue("replicas_state", out var states) && states.Kind == ValueKind.List ? states.AsList().Length : -1;

    private static bool HasRolloutReplica(Value attributes) => States(attributes).Any(IsRollout);

    private static bool IsRollout(Value state) =>
        state.Kind == ValueKind.Map && state.AsMap().TryGetValue("rollout", out var rollout) && rollout == Value.True;

    private static bool ShouldRestart(Value state, ReplicaSettings settings) =>
        state.Kind == ValueKind.Map && state.AsMap().TryGetValue("alive", out var alive) && alive == Value.False
        && settings.ShouldRestart(state.AsMap().TryGetValue("exit_code", out var code) && code.Kind == ValueKind.Number ? (int)code.AsNumber() : null);

    /// <summary>Whether a replica in <paramref name="attributes"/> is gone and the restart policy says to start it again: drift.</summary>
    private static bool NeedsRestart(Value attributes, ReplicaSettings settings) => States(attributes).Any(s => ShouldRestart(s, settings));
}
