using System.Collections.Immutable;
using Baton.Replicas;
using Baton.Values;
using CsCheck;

namespace Baton.Providers.Tests.Replicas;

/// <summary>
/// Properties of <see cref="ServicePlanning.Plan"/> over prior attributes as a read reports them
/// (<see cref="ReplicaSet{TReplica}.AttributesAsync"/> of a generated in-memory service: some replicas exited with some
/// status, some indexes missing, any restart policy). With the inputs unchanged, the plan is the prior attributes
/// exactly when no replica is to start again: none is missing and none exited that the policy restarts.
/// </summary>
public sealed class ServicePlanningPropertyTests
{
    private const int Iterations = 500;

    private static readonly string[] ReplacingInputs = ["version", "port"];

    private static readonly (string Name, BatonType Type)[] IdentityFields = [("serial", BatonType.Number)];

    private static readonly ResourceTypeSchema Schema = new()
    {
        Type = "compute.service",
        Attributes =
        [
            AttributeSchema.Input("version", BatonType.Number) with { Required = true },
            AttributeSchema.Input("replicas", BatonType.Int) with { Default = Value.Number(1) },
            AttributeSchema.Input("port", BatonType.Any),
            AttributeSchema.Input("health", BatonType.AnyMap),
            AttributeSchema.Input("rollout", BatonType.AnyMap),
            AttributeSchema.Input("restart", BatonType.String) with { Default = Value.String(ReplicaSettings.RestartAlways) },
            AttributeSchema.Output("id", BatonType.String),
            AttributeSchema.Output("endpoints", BatonType.ListOf(BatonType.String)),
            AttributeSchema.Output("pids", BatonType.ListOf(BatonType.Number)),
            AttributeSchema.Output("replicas_state", BatonType.ListOf(BatonType.AnyMap)),
        ],
    };

    private static readonly Gen<string> Policies = Gen.OneOf([.. ReplicaSettings.RestartPolicies]);

    private static readonly Gen<PlanCase> PlanCases =
        Gen.Select(
            Gen.Int[0, 8], Gen.OneOf(PortMode.None, PortMode.Auto), Gen.Bool, Policies,
            Gen.Frequency((2, false), (1, true)).Array[8], Gen.OneOf<int?>(0, 1, 137, null).Array[8], Gen.Frequency((6, false), (1, true)).Array[8],
            (replicas, port, health, restart, dead, exits, missing) => new PlanCase(replicas, port, health, restart, dead, exits, missing));

    [Fact]
    public Task Plan_UnchangedInputs_DiffersFromThePriorExactlyWhenAReplicaIsToStartAgain() =>
        PlanCases.SampleAsync(async c =>
        {
            var inputs = c.Inputs(c.Restart);
            var prior = await PriorAttributesAsync(c);
            var settings = ReplicaSettings.Read(inputs, []);
            var restarted = c.Present.Where(i => c.Dead[i] && settings.ShouldRestart(c.Exits[i])).ToHashSet();
            var missing = Enumerable.Range(0, c.Replicas).Except(c.Present).ToList();

            var planned = Plan(inputs, prior).PlannedAttributes;

            Assert.Equal(restarted.Count == 0 && missing.Count == 0, planned == prior);
            if (planned == prior)
            {
                return;
            }

            // What an update will do: start the exited ones again and the missing ones, so pids and endpoints change.
            var map = planned.AsMap();
            Assert.False(map["pids"].IsWhollyKnown);
            Assert.False(map["endpoints"].IsWhollyKnown);
            var states = map["replicas_state"].AsList();
            var priorStates = prior.AsMap()["replicas_state"].AsList();
            Assert.Equal(c.Present.Count + missing.Count, states.Length);
            for (var i = 0; i < states.Length; i++)
            {
                var state = states[i].AsMap();
                var index = (int)state["index"].AsNumber();
                if (i < priorStates.Length && !restarted.Contains(index))
                {
                    Assert.Equal(priorStates[i], states[i]);
                    continue;
                }

                Assert.True(i >= priorStates.Length ? missing.Contains(index) : restarted.Contains(index), $"replica {index} is planned to start again");
                Assert.Equal(Value.True, state["alive"]);
                Assert.Equal(Value.Null, state["exit_code"]);
                Assert.False(state["serial"].IsKnown);
                Assert.False(state["port"].IsKnown);
            }
        }, iter: Iterations, print: c => c.ToString());

    [Fact]
    public Task Plan_OnlyTheRestartPolicyChanges_KeepsPidsAndEndpointsUnlessAReplicaIsToStartAgain() =>
        Gen.Select(PlanCases, Policies).Where(t => t.Item1.Restart != t.Item2).SampleAsync(async (c, restart) =>
        {
            var inputs = c.Inputs(restart);
            var prior = await PriorAttributesAsync(c);
            var settings = ReplicaSettings.Read(inputs, []);
            var startsAgain = c.Present.Count < c.Replicas || c.Present.Any(i => c.Dead[i] && settings.ShouldRestart(c.Exits[i]));

            var plan = Plan(inputs, prior);

            var map = plan.PlannedAttributes.AsMap();
            Assert.Empty(plan.RequiresReplace);
            Assert.Equal(Value.String(restart), map["restart"]);
            Assert.False(map["replicas_state"].IsWhollyKnown);
            foreach (var name in new[] { "pids", "endpoints" })
            {
                Assert.Equal(!startsAgain, map[name] == prior.AsMap()[name]);
                Assert.Equal(!startsAgain, map[name].IsWhollyKnown);
            }
        }, iter: Iterations, print: t => $"{t.Item1}; restart -> {t.Item2}");

    [Fact]
    public Task Plan_ANewVersion_LeavesEveryReplicaOutputUnknown() =>
        PlanCases.SampleAsync(async c =>
        {
            var prior = await PriorAttributesAsync(c);

            var map = Plan(c.Inputs(c.Restart, version: 2), prior).PlannedAttributes.AsMap();

            Assert.All(ServicePlanning.ComputedOutputs, name => Assert.False(map[name].IsWhollyKnown, name));
            Assert.Equal(prior.AsMap()["id"], map["id"]);
        }, iter: Iterations, print: c => c.ToString());

    private static PlanResult Plan(Value inputs, Value prior) =>
        ServicePlanning.Plan(
            Schema,
            new PlanRequest { Type = Schema.Type, Address = ReplicaWorld.Address, Inputs = inputs, PriorInputs = ServicePlanning.Normalize(Schema, ServiceInputsOf(prior)), PriorAttributes = prior },
            ReplicaSettings.Read(inputs, []),
            ReplacingInputs,
            IdentityFields);

    /// <summary>Creates the service, lets the replicas the case says exit, forgets the missing ones, and reads it.</summary>
    private static async Task<Value> PriorAttributesAsync(PlanCase c)
    {
        var world = new ReplicaWorld();
        var service = await world.CreatedAsync(ServicePlanning.Normalize(Schema, c.Inputs(c.Restart)));
        foreach (var replica in service.Replicas.Where(r => c.Dead[r.Index]))
        {
            world.Driver.Kill(replica, c.Exits[replica.Index]);
        }

        service = service with { Replicas = [.. service.Replicas.Where(r => c.Present.Contains(r.Index))] };
        return await world.Set.AttributesAsync(service, probe: false, r => r.Serial, r => [new("serial", Value.Number(r.Serial))], unreadyAsRollout: false, CancellationToken.None);
    }

    private static Value ServiceInputsOf(Value attributes) =>
        Value.Map(attributes.AsMap().Where(a => Schema.Attribute(a.Key) is { Computed: false }));

    private sealed record PlanCase(int Replicas, PortMode Port, bool Health, string Restart, bool[] Dead, int?[] Exits, bool[] Missing)
    {
        public ImmutableList<int> Present => [.. Enumerable.Range(0, Replicas).Where(i => !Missing[i])];

        public Value Inputs(string restart, int version = 1) => ServiceInputs.Of(version, Replicas, Port, health: Health, restart: restart);

        public override string ToString() =>
            $"replicas {Replicas}, port {Port}, {(Health ? "exec check" : "no health check")}, restart {Restart}; "
            + string.Join(", ", Enumerable.Range(0, Replicas).Select(i => Missing[i] ? $"{i} missing" : Dead[i] ? $"{i} exited ({Exits[i]?.ToString() ?? "unknown"})" : $"{i} alive"));
    }
}
