using System.Collections.Immutable;
using Baton.Providers.Process;
using Baton.Providers.Tests.Conformance;
using Baton.Replicas;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Tests.Process;

/// <summary>Rolling updates against real HTTP servers; each replica serves <c>/version</c>, the value of its VERSION env var.</summary>
public sealed class ProcessRolloutTests : IDisposable
{
    private const string Type = "process.service";
    private const string Address = "process.service.web";

    private readonly ProcessFixture _fixture = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        _fixture.Dispose();
    }

    private static Value Argv(params string[] argv) => Value.List(argv.Select(Value.String));

    private const string Serve = "mkdir -p \"www/$PORT\" && echo \"$VERSION\" > \"www/$PORT/version\" && exec python3 -m http.server --bind 127.0.0.1 --directory \"www/$PORT\" \"$PORT\"";

    // A generous start period: a healthy replica passes as soon as it answers, so only a failing one waits it out.
    private static Value Inputs(string version, int replicas, Value rollout, string script = Serve, string startPeriod = "10s") => V.Map(
        ("command", Argv("sh", "-c", script)),
        ("env", V.Map(("VERSION", version))),
        ("replicas", replicas),
        ("port", "auto"),
        ("stop_timeout", "2s"),
        ("rollout", rollout),
        ("health", V.Map(("http", "/version"), ("interval", "100ms"), ("timeout", "1s"), ("start_period", startPeriod))));

    private static ImmutableArray<Value> States(Value attributes) => attributes.AsMap()["replicas_state"].AsList();

    private static (int Pid, long Ticks)[] Identities(Value attributes) =>
        [.. States(attributes).Select(s => ((int)s.AsMap()["pid"].AsNumber(), (long)s.AsMap()["start_time"].AsNumber()))];

    private static string[] Endpoints(Value attributes) => [.. attributes.AsMap()["endpoints"].AsList().Select(e => e.AsString())];

    private static async Task<ResourceResult> CreateAsync(IProvider provider, Value inputs) =>
        await provider.CreateAsync(new CreateRequest { Type = Type, Address = Address, Inputs = inputs, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") }, CancellationToken.None);

    private static async Task<ResourceResult> UpdateAsync(IProvider provider, ResourceResult prior, Value priorInputs, Value inputs) =>
        await provider.UpdateAsync(
            new UpdateRequest { Type = Type, Address = Address, Id = prior.Id!, PriorInputs = priorInputs, PriorAttributes = prior.Attributes!, Inputs = inputs, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") },
            CancellationToken.None);

    private async Task<string?> VersionAsync(string endpoint, CancellationToken cancellationToken)
    {
        try
        {
            return (await _http.GetStringAsync(new Uri($"http://{endpoint}/version"), cancellationToken)).Trim();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>What answers right now: every replica the registry names, asked for its version.</summary>
    private async Task<(int Running, string[] Answering)> SnapshotAsync(string id, CancellationToken cancellationToken)
    {
        var record = new ServiceRegistry(_fixture.Registry).Find(id)!;
        var alive = record.Replicas.Where(r => r.IsAlive).ToList();
        var versions = await Task.WhenAll(alive.Select(r => VersionAsync($"127.0.0.1:{r.Port}", cancellationToken)));
        return (alive.Count, [.. versions.OfType<string>()]);
    }

    [Fact]
    public async Task Update_Surge1Unavailable0_NeverFewerThanReplicasAnswerAndEndsOnTheNewVersion()
    {
        await using var provider = await _fixture.StartAsync();
        var rollout = V.Map(("max_surge", 1), ("max_unavailable", 0));
        var created = await CreateAsync(provider, Inputs("v1", 3, rollout));
        Assert.Null(created.Error);

        var steps = new List<(int Running, string[] Answering)>();
        ((ProcessProvider)provider).RolloutStepObserver = async cancellationToken => steps.Add(await SnapshotAsync(created.Id!, cancellationToken));
        var updated = await UpdateAsync(provider, created, Inputs("v1", 3, rollout), Inputs("v2", 3, rollout));
        Assert.Null(updated.Error);

        // Three starts and three stops, one at a time: never more than 4 running, never fewer than 3 answering.
        Assert.Equal(6, steps.Count);
        Assert.All(steps, s => Assert.InRange(s.Running, 3, 4));
        Assert.All(steps, s => Assert.True(s.Answering.Length >= 3, $"only {s.Answering.Length} replicas answered"));
        Assert.Equal(["v1", "v1", "v1", "v2"], steps[0].Answering.Order());

        var endpoints = Endpoints(updated.Attributes!);
        Assert.Equal(3, endpoints.Length);

        // A surge replica starts while its predecessor still holds its port, so it gets a fresh one.
        Assert.Empty(endpoints.Intersect(Endpoints(created.Attributes!)));
        Assert.Equal(States(updated.Attributes!).Select(s => $"127.0.0.1:{s.AsMap()["port"].AsNumber()}"), endpoints);
        Assert.Equal([0, 1, 2], States(updated.Attributes!).Select(s => (int)s.AsMap()["index"].AsNumber()));
        foreach (var endpoint in endpoints)
        {
            Assert.Equal("v2", await VersionAsync(endpoint, CancellationToken.None));
        }

        Assert.All(Identities(created.Attributes!), id => Assert.False(ProcessGroups.IsAlive(id.Pid, id.Ticks)));

        var record = new ServiceRegistry(_fixture.Registry).Find(created.Id!)!;
        Assert.Null(record.RolloutInputs);
        Assert.All(record.Replicas, r => Assert.False(r.Rollout));
    }

    [Fact]
    public async Task Update_Surge0NewReplicaFails_TheMissingReplicaIsDriftThatTheOldInputsHeal()
    {
        await using var provider = await _fixture.StartAsync();
        var rollout = V.Map(("max_surge", 0), ("max_unavailable", 1));
        var v1 = Inputs("v1", 2, rollout);
        var created = await CreateAsync(provider, v1);
        Assert.Null(created.Error);

        // In place, replica 0 stops first; its replacement cannot start, so the rollout stops one replica short.
        var broken = Inputs("v2", 2, rollout, "echo 'v2 is broken' >&2; exit 1");
        var failed = await UpdateAsync(provider, created, v1, broken);
        Assert.Contains("rolling update stopped", failed.Error!.Message, StringComparison.Ordinal);
        var read = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = created.Id! }, CancellationToken.None);
        Assert.Single(States(read.Attributes!));

        // Going back to the old inputs (a rollback) is not "no change": the missing replica is planned alive, known.
        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = v1, PriorInputs = v1, PriorAttributes = read.Attributes }, CancellationToken.None);
        var planned = plan.PlannedAttributes.AsMap()["replicas_state"].AsList();
        Assert.Equal(2, planned.Length);
        Assert.Equal(Value.True, planned[1].AsMap()["alive"]);
        Assert.Equal(0, planned[1].AsMap()["index"].AsNumber());

        var healed = await UpdateAsync(provider, created with { Attributes = read.Attributes }, v1, v1);
        Assert.Null(healed.Error);
        Assert.Equal(2, Endpoints(healed.Attributes!).Length);
        foreach (var endpoint in Endpoints(healed.Attributes!))
        {
            Assert.Equal("v1", await VersionAsync(endpoint, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Update_NewReplicaFailsHealth_StopsTheRolloutNamesItAndOldReplicasKeepServing()
    {
        await using var provider = await _fixture.StartAsync();
        var rollout = V.Map(("max_surge", 1));
        var v1 = Inputs("v1", 3, rollout);
        var created = await CreateAsync(provider, v1);
        Assert.Null(created.Error);

        // The first new replica comes up; the second never answers.
        var broken = "if [ -e second-start ]; then echo 'v2 cannot start twice' >&2; exec sleep 300; fi; touch second-start; " + Serve;
        var v2 = Inputs("v2", 3, rollout, broken, startPeriod: "3s");
        var updated = await UpdateAsync(provider, created, v1, v2);
        Assert.NotNull(updated.Error);
        Assert.Equal(ProviderErrorKind.Permanent, updated.Error!.Kind);
        Assert.Contains("rolling update stopped", updated.Error.Message, StringComparison.Ordinal);
        Assert.Contains("replica 1", updated.Error.Message, StringComparison.Ordinal);
        Assert.Contains("v2 cannot start twice", updated.Error.Message, StringComparison.Ordinal);

        // The tail is the new replica's own: the old replica 1 it shares the log with answered health checks there.
        Assert.Contains("GET /version", System.IO.File.ReadAllText(Path.Combine(_fixture.State, "process", "process.service.web", "1.log")), StringComparison.Ordinal);
        Assert.DoesNotContain("GET /version", updated.Error.Message, StringComparison.Ordinal);

        // Old replicas 1 and 2 still serve v1, new replica 0 serves v2; the failed one is gone.
        var oldEndpoints = Endpoints(created.Attributes!);
        var oldIds = Identities(created.Attributes!);
        Assert.False(ProcessGroups.IsAlive(oldIds[0].Pid, oldIds[0].Ticks));
        Assert.Equal("v1", await VersionAsync(oldEndpoints[1], CancellationToken.None));
        Assert.Equal("v1", await VersionAsync(oldEndpoints[2], CancellationToken.None));
        var read = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = created.Id! }, CancellationToken.None);
        Assert.True(read.Exists);
        var states = States(read.Attributes!).Select(s => s.AsMap()).ToList();
        Assert.Equal(3, states.Count);
        Assert.All(states, s => Assert.Equal(Value.True, s["alive"]));
        Assert.All(states, s => Assert.Equal(Value.True, s["healthy"]));
        Assert.Equal([(0, true), (1, false), (2, false)], states.Select(s => ((int)s["index"].AsNumber(), s["rollout"].AsBool())));
        Assert.Equal(v1.AsMap()["env"], read.Attributes!.AsMap()["env"]);
        var newEndpoint = Endpoints(read.Attributes!)[0];
        var newId = Identities(read.Attributes!)[0];
        Assert.Equal("v2", await VersionAsync(newEndpoint, CancellationToken.None));

        // The next plan sees the change still to make.
        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = v2, PriorInputs = v1, PriorAttributes = read.Attributes }, CancellationToken.None);
        Assert.False(plan.PlannedAttributes.AsMap()["replicas_state"].IsKnown);

        // A mended command (v3) resumes from the mixed state and replaces every replica, the v2 one too.
        var v3 = Inputs("v3", 3, rollout);
        var resumed = await UpdateAsync(provider, created with { Attributes = read.Attributes }, v1, v3);
        Assert.Null(resumed.Error);
        foreach (var endpoint in Endpoints(resumed.Attributes!))
        {
            Assert.Equal("v3", await VersionAsync(endpoint, CancellationToken.None));
        }

        Assert.False(ProcessGroups.IsAlive(newId.Pid, newId.Ticks));
        Assert.All(oldIds, id => Assert.False(ProcessGroups.IsAlive(id.Pid, id.Ticks)));
        Assert.Equal(3, new ServiceRegistry(_fixture.Registry).Find(created.Id!)!.Replicas.Length);
    }

    [Fact]
    public async Task Update_Surge0Unavailable1_StopsOneThenStartsOne()
    {
        await using var provider = await _fixture.StartAsync();
        var rollout = V.Map(("max_surge", 0), ("max_unavailable", 1));
        var created = await CreateAsync(provider, Inputs("v1", 2, rollout));
        Assert.Null(created.Error);

        var steps = new List<(int Running, string[] Answering)>();
        ((ProcessProvider)provider).RolloutStepObserver = async cancellationToken => steps.Add(await SnapshotAsync(created.Id!, cancellationToken));
        var updated = await UpdateAsync(provider, created, Inputs("v1", 2, rollout), Inputs("v2", 2, rollout));
        Assert.Null(updated.Error);

        // stop, start, stop, start.
        Assert.Equal([1, 2, 1, 2], steps.Select(s => s.Running));
        Assert.Equal(["v1"], steps[0].Answering);
        Assert.Equal(["v1", "v2"], steps[1].Answering.Order());
        Assert.Equal(["v2"], steps[2].Answering);
        Assert.Equal(["v2", "v2"], steps[3].Answering);

        // Each replacement started after its predecessor stopped, so it took over its port: a load balancer in front
        // keeps the same backends through the rollout.
        Assert.Equal(Endpoints(created.Attributes!), Endpoints(updated.Attributes!));
    }

    [Fact]
    public async Task Update_Surge0ScaleUpAndChange_NewIndexesStartFirstAndOldReplicasKeepTheirPorts()
    {
        await using var provider = await _fixture.StartAsync();
        var rollout = V.Map(("max_surge", 0), ("max_unavailable", 1));
        var created = await CreateAsync(provider, Inputs("v1", 2, rollout));
        Assert.Null(created.Error);

        var steps = new List<(int Running, string[] Answering)>();
        ((ProcessProvider)provider).RolloutStepObserver = async cancellationToken => steps.Add(await SnapshotAsync(created.Id!, cancellationToken));
        var updated = await UpdateAsync(provider, created, Inputs("v1", 2, rollout), Inputs("v2", 4, rollout));
        Assert.Null(updated.Error);

        // The two new indexes start first (no old replica stops for them), then each old one is replaced in place.
        Assert.Equal(["v1", "v1", "v2", "v2"], steps[0].Answering.Order());
        Assert.All(steps, s => Assert.True(s.Answering.Length >= 3, $"only {s.Answering.Length} replicas answered"));
        var before = Endpoints(created.Attributes!);
        var after = Endpoints(updated.Attributes!);
        Assert.Equal(4, after.Length);
        Assert.Equal(before, after[..2]);
        foreach (var endpoint in after)
        {
            Assert.Equal("v2", await VersionAsync(endpoint, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Update_FixedPort_StopsTheOldReplicaBeforeStartingTheNewOne()
    {
        await using var provider = await _fixture.StartAsync();
        var port = LoopbackPorts.Free();
        Value Fixed(string version) => Value.Map(Inputs(version, 1, V.Map(("max_surge", 1))).AsMap().SetItem("port", Value.Number(port)));
        var created = await CreateAsync(provider, Fixed("v1"));
        Assert.Null(created.Error);
        var updated = await UpdateAsync(provider, created, Fixed("v1"), Fixed("v2"));
        Assert.Null(updated.Error);
        Assert.Equal([$"127.0.0.1:{port}"], Endpoints(updated.Attributes!));
        Assert.Equal("v2", await VersionAsync($"127.0.0.1:{port}", CancellationToken.None));
    }

    [Fact]
    public async Task Update_RolloutOnlyChanged_RestartsNothing()
    {
        await using var provider = await _fixture.StartAsync();
        var before = Inputs("v1", 1, V.Map(("max_surge", 1)));
        var after = Inputs("v1", 1, V.Map(("max_surge", 2)));
        var created = await CreateAsync(provider, before);
        var updated = await UpdateAsync(provider, created, before, after);
        Assert.Null(updated.Error);
        Assert.Equal(created.Attributes!.AsMap()["pids"], updated.Attributes!.AsMap()["pids"]);
    }

    [Theory]
    [InlineData(0, 0, 2, "rollout.max_surge and rollout.max_unavailable must not both be 0: the rollout could never replace a replica")]
    [InlineData(1, 3, 2, "rollout.max_unavailable (3) must not exceed replicas (2)")]
    [InlineData(-1, 0, 2, "rollout.max_surge must be a whole number from 0 to 1000")]
    [InlineData(1, 0.5, 2, "rollout.max_unavailable must be a whole number from 0 to 1000")]
    public async Task Validate_BadRollout_IsADiagnostic(double surge, double unavailable, int replicas, string message)
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("command", Argv("sleep", "300")), ("replicas", replicas), ("rollout", V.Map(("max_surge", surge), ("max_unavailable", unavailable))));
        var result = await provider.ValidateAsync(new ValidateRequest(Type, Address, inputs), CancellationToken.None);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(message, diagnostic.Message);
        Assert.Equal(ProcessProvider.InvalidInputCode, diagnostic.Code);
    }

    [Fact]
    public async Task Validate_RolloutUnknownSetting_IsADiagnostic()
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("command", Argv("sleep", "300")), ("rollout", V.Map(("surge", 1))));
        var result = await provider.ValidateAsync(new ValidateRequest(Type, Address, inputs), CancellationToken.None);
        Assert.Equal("rollout has no setting \"surge\"", Assert.Single(result.Diagnostics).Message);
    }
}
