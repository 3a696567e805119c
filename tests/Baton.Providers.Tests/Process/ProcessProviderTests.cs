using System.Collections.Immutable;
using System.Net.Sockets;
using Baton.Providers.Process;
using Baton.Providers.Tests.Conformance;
using Baton.Replicas;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Tests.Process;

public sealed class ProcessProviderTests : IDisposable
{
    private const string Type = "process.service";
    private const string Address = "process.service.web";

    private readonly ProcessFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static Value Argv(params string[] argv) => Value.List(argv.Select(Value.String));

    private static Value HttpServer => Argv("sh", "-c", "exec python3 -m http.server --bind 127.0.0.1 \"$PORT\"");

    private static ImmutableArray<Value> States(Value attributes) => attributes.AsMap()["replicas_state"].AsList();

    private static (int Pid, long Ticks)[] Identities(Value attributes) =>
        [.. States(attributes).Select(s => ((int)s.AsMap()["pid"].AsNumber(), (long)s.AsMap()["start_time"].AsNumber()))];

    private static async Task<ResourceResult> CreateAsync(IProvider provider, Value inputs, string? key = null) =>
        await provider.CreateAsync(new CreateRequest { Type = Type, Address = Address, Inputs = inputs, IdempotencyKey = key ?? "op-" + Guid.NewGuid().ToString("N") }, CancellationToken.None);

    private static async Task<ReadResult> ReadAsync(IProvider provider, string id) =>
        await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = id }, CancellationToken.None);

    private static async Task<ResourceResult> UpdateAsync(IProvider provider, ResourceResult prior, Value priorInputs, Value inputs) =>
        await provider.UpdateAsync(
            new UpdateRequest { Type = Type, Address = Address, Id = prior.Id!, PriorInputs = priorInputs, PriorAttributes = prior.Attributes!, Inputs = inputs, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") },
            CancellationToken.None);

    private static async Task DeleteAsync(IProvider provider, string id, Value attributes)
    {
        var result = await provider.DeleteAsync(new DeleteRequest { Type = Type, Address = Address, Id = id, Attributes = attributes, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") }, CancellationToken.None);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task Create_AutoPorts_StartsAliveReplicasWithEndpointsAndPids()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", Argv("sleep", "300")), ("replicas", 2), ("port", "auto")));
        Assert.Null(created.Error);
        var map = created.Attributes!.AsMap();
        Assert.Equal(2, map["pids"].AsList().Length);
        Assert.All(map["endpoints"].AsList(), e => Assert.Matches(@"^127\.0\.0\.1:\d+$", e.AsString()));
        Assert.Equal(2, map["endpoints"].AsList().Distinct().Count());
        Assert.All(Identities(created.Attributes!), id => Assert.True(ProcessGroups.IsAlive(id.Pid, id.Ticks)));
        Assert.All(States(created.Attributes!), s => Assert.Equal(Value.True, s.AsMap()["alive"]));
        Assert.True(System.IO.File.Exists(Path.Combine(_fixture.State, "process", "process.service.web", "0.log")));
    }

    [Fact]
    public async Task Replica_OutlivesProvider_AndANewProviderDeletesIt()
    {
        ResourceResult created;
        await using (var first = await _fixture.StartAsync())
        {
            created = await CreateAsync(first, V.Map(("command", Argv("sleep", "300"))));
            Assert.Null(created.Error);
        }

        var (pid, ticks) = Identities(created.Attributes!)[0];
        Assert.True(ProcessGroups.IsAlive(pid, ticks));

        // Its own session (its wrapper's): the replica is not in the test host's session.
        static string Session(string pid)
        {
            var stat = System.IO.File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3];
        }

        Assert.NotEqual(Session("self"), Session(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await using var second = await _fixture.StartAsync();
        var read = await ReadAsync(second, created.Id!);
        Assert.True(read.Exists);
        await DeleteAsync(second, created.Id!, read.Attributes!);
        Assert.False(ProcessGroups.IsAlive(pid, ticks));
        Assert.Empty(Directory.GetFiles(Path.Combine(_fixture.State, "process", "process.service.web"), "*.exit"));
        Assert.False((await ReadAsync(second, created.Id!)).Exists);
    }

    [Fact]
    public async Task Read_ReplicaKilledOutside_ReportsItDeadAndPlanSeesDrift()
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("command", Argv("sleep", "300")), ("replicas", 2));
        var created = await CreateAsync(provider, inputs);
        var (pid, ticks) = Identities(created.Attributes!)[1];
        Signals.Send(pid, Signals.Kill);
        await WaitUntilAsync(() => !ProcessGroups.IsAlive(pid, ticks));

        var read = await ReadAsync(provider, created.Id!);
        Assert.True(read.Exists);
        Assert.Equal(Value.True, States(read.Attributes!)[0].AsMap()["alive"]);
        Assert.Equal(Value.False, States(read.Attributes!)[1].AsMap()["alive"]);

        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = inputs, PriorInputs = inputs, PriorAttributes = read.Attributes }, CancellationToken.None);
        Assert.True(PlannedDrift.Differs(plan.PlannedAttributes, read.Attributes!));
        Assert.Equal(Value.True, plan.PlannedAttributes.AsMap()["replicas_state"].AsList()[1].AsMap()["alive"]);
        Assert.False(PlannedDrift.Differs(
            (await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = inputs, PriorInputs = inputs, PriorAttributes = created.Attributes }, CancellationToken.None)).PlannedAttributes,
            created.Attributes!));

        // The update heals: the dead replica is started again, the live one kept.
        var healed = await UpdateAsync(provider, created with { Attributes = read.Attributes }, inputs, inputs);
        Assert.Null(healed.Error);
        Assert.Equal(Identities(created.Attributes!)[0], Identities(healed.Attributes!)[0]);
        Assert.All(States(healed.Attributes!), s => Assert.Equal(Value.True, s.AsMap()["alive"]));
    }

    [Fact]
    public async Task Registry_WrongStartTime_IsNotAliveAndNeverSignalled()
    {
        using var bystander = System.Diagnostics.Process.Start("sleep", "300");
        _fixture.Track(bystander.Id);
        var ticks = ProcessGroups.StartTicks(bystander.Id)!.Value;

        // A record whose pid is now another process (same pid, different start time): a reused pid.
        var registry = new ServiceRegistry(_fixture.Registry);
        var id = ServiceRegistry.IdFor("op-reused");
        registry.Save(new ServiceState<ReplicaRecord>
        {
            Id = id,
            Address = Address,
            Inputs = V.Map(("command", Argv("sleep", "300")), ("replicas", 1), ("stop_signal", "TERM"), ("stop_timeout", "10s")),
            Replicas = [new ReplicaRecord(0, bystander.Id, ticks - 1, null)],
        });

        await using var provider = await _fixture.StartAsync();
        var read = await ReadAsync(provider, id);
        Assert.Equal(Value.False, States(read.Attributes!)[0].AsMap()["alive"]);
        await DeleteAsync(provider, id, read.Attributes!);
        Assert.True(ProcessGroups.IsAlive(bystander.Id, ticks), "a process with a reused pid was signalled");
        bystander.Kill();
    }

    [Fact]
    public async Task Create_SameKeyTwice_StartsNothingNew()
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("command", Argv("sleep", "300")), ("replicas", 2));
        var first = await CreateAsync(provider, inputs, "op-same");
        var second = await CreateAsync(provider, inputs, "op-same");
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(Identities(first.Attributes!), Identities(second.Attributes!));
        var byKey = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, IdempotencyKey = "op-same" }, CancellationToken.None);
        Assert.Equal(first.Id, byKey.Id);
    }

    [Fact]
    public async Task Create_InterruptedWhileItWaitsForReadiness_IsReportedUnfinished_AndTheRetriedCreateWaitsForTheReplicas()
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(
            ("command", Argv("sh", "-c", "sleep 2; exec python3 -m http.server --bind 127.0.0.1 \"$PORT\"")),
            ("replicas", 2),
            ("port", "auto"),
            ("health", V.Map(("http", "/"), ("interval", "100ms"), ("start_period", "20s"))));
        using var interrupted = new CancellationTokenSource();
        var first = provider.CreateAsync(new CreateRequest { Type = Type, Address = Address, Inputs = inputs, IdempotencyKey = "op-unready" }, interrupted.Token).AsTask();

        // Cancelled once both replicas have started and are recorded (their logs appear a moment before the record
        // does, which a loaded machine stretches), while the create waits for them to answer.
        var registry = new ServiceRegistry(Path.Combine(_fixture.State, "process", "registry"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (registry.Find(ServiceRegistry.IdFor("op-unready")) is not { Replicas.Length: 2 } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(DateTime.UtcNow < deadline, "the two replicas were never recorded");

        await interrupted.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        // The read that recovers the create reports the replicas nobody saw ready as an unfinished rollout's.
        var found = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, IdempotencyKey = "op-unready", Inputs = inputs, Recovering = true }, CancellationToken.None);
        Assert.True(found.Exists);
        Assert.All(States(found.Attributes!), s => Assert.Equal(Value.True, s.AsMap()["rollout"]));
        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = inputs, PriorInputs = inputs, PriorAttributes = found.Attributes }, CancellationToken.None);
        Assert.All(plan.PlannedAttributes.AsMap()["replicas_state"].AsList(), s => Assert.Equal(Value.False, s.AsMap()["rollout"]));

        // Retried with the same key, the create finishes: it returns once both started replicas answer, started no more.
        var retried = await CreateAsync(provider, inputs, "op-unready");
        Assert.Null(retried.Error);
        Assert.Equal(Identities(found.Attributes!), Identities(retried.Attributes!));
        Assert.All(States(retried.Attributes!), s => Assert.Equal(Value.False, s.AsMap()["rollout"]));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        foreach (var endpoint in retried.Attributes!.AsMap()["endpoints"].AsList())
        {
            using var answer = await http.GetAsync(new Uri($"http://{endpoint.AsString()}/"));
            Assert.True(answer.IsSuccessStatusCode, $"{endpoint} answered {answer.StatusCode}");
        }

        await DeleteAsync(provider, retried.Id!, retried.Attributes!);
    }

    [Fact]
    public async Task Health_Http_PassesForARealServer()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", HttpServer), ("port", "auto"), ("health", V.Map(("http", "/"), ("interval", "200ms")))));
        Assert.Null(created.Error);
        Assert.Equal(Value.True, States(created.Attributes!)[0].AsMap()["healthy"]);
        var endpoint = created.Attributes!.AsMap()["endpoints"].AsList()[0].AsString();
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(new Uri($"http://{endpoint}/"))).IsSuccessStatusCode);

        var read = await ReadAsync(provider, created.Id!);
        Assert.Equal(Value.True, States(read.Attributes!)[0].AsMap()["healthy"]);
    }

    [Fact]
    public async Task Health_Tcp_PassesForARealServer()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", HttpServer), ("port", "auto"), ("health", V.Map(("tcp", true), ("interval", "200ms")))));
        Assert.Null(created.Error);
        Assert.Equal(Value.True, States(created.Attributes!)[0].AsMap()["healthy"]);
    }

    [Fact]
    public async Task Health_Exec_SeesThePort()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", Argv("sleep", "300")), ("port", "auto"), ("health", V.Map(("exec", Argv("sh", "-c", "test -n \"$PORT\""))))));
        Assert.Null(created.Error);
        Assert.Equal(Value.True, States(created.Attributes!)[0].AsMap()["healthy"]);
    }

    [Fact]
    public async Task Update_MissingProgram_FailsAndLeavesTheOldReplicasRunning()
    {
        await using var provider = await _fixture.StartAsync();
        var before = V.Map(("command", Argv("sleep", "300")));
        var created = await CreateAsync(provider, before);
        var updated = await UpdateAsync(provider, created, before, V.Map(("command", Argv("no-such-program-baton"))));
        Assert.NotNull(updated.Error);
        var (pid, ticks) = Identities(created.Attributes!)[0];
        Assert.True(ProcessGroups.IsAlive(pid, ticks));
    }

    [Fact]
    public async Task Health_CommandExitsAtOnce_FailsWithTheLogTailAndLeavesNothing()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(
            ("command", Argv("sh", "-c", "echo 'listening failed: boom' >&2; exit 1")),
            ("port", "auto"),
            ("health", V.Map(("http", "/healthz"), ("start_period", "5s")))));
        Assert.NotNull(created.Error);
        Assert.Contains("replica 0", created.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("exited", created.Error.Message, StringComparison.Ordinal);
        Assert.Contains("listening failed: boom", created.Error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_fixture.Registry));
        Assert.Empty(Directory.GetFiles(Path.Combine(_fixture.State, "process", "process.service.web"), "*.exit"));
    }

    [Fact]
    public async Task Health_False_FailsTheCreate()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", Argv("false")), ("port", "auto"), ("health", V.Map(("tcp", true)))));
        Assert.NotNull(created.Error);
        Assert.Contains("replica 0", created.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_ProcessIgnoringTerm_IsKilledAfterStopTimeout()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", Argv("sh", "-c", "trap '' TERM; while true; do sleep 0.1; done")), ("stop_timeout", "1s")));
        Assert.Null(created.Error);
        var (pid, ticks) = Identities(created.Attributes!)[0];
        var started = DateTime.UtcNow;
        await DeleteAsync(provider, created.Id!, created.Attributes!);
        var took = DateTime.UtcNow - started;
        Assert.False(ProcessGroups.IsAlive(pid, ticks));
        Assert.InRange(took, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Validate_ShellStringCommand_IsADiagnostic()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await provider.ValidateAsync(new ValidateRequest(Type, Address, V.Map(("command", "python3 -m http.server"))), CancellationToken.None);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("command must be an argument list, not a shell string", diagnostic.Message);
        Assert.Equal(Address, diagnostic.Subject);
    }

    [Fact]
    public async Task Create_MissingProgram_FailsClearly()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", Argv("no-such-program-baton"))));
        Assert.Contains("\"no-such-program-baton\" is not found", created.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_FixedPortInUse_FailsNamingThePort_StartsNothingAndRecordsNothing()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        await using var provider = await _fixture.StartAsync();
        var marker = "baton-port-test-" + Guid.NewGuid().ToString("N");
        var key = "op-" + Guid.NewGuid().ToString("N");
        var created = await CreateAsync(provider, V.Map(("command", Argv("sh", "-c", "sleep 300; true", marker)), ("port", port)), key);
        Assert.NotNull(created.Error);
        Assert.Equal(ProviderErrorKind.Permanent, created.Error!.Kind);
        Assert.Contains(Address, created.Error.Message, StringComparison.Ordinal);
        Assert.Contains($"port {port} is already in use", created.Error.Message, StringComparison.Ordinal);

        Assert.False(Directory.Exists(_fixture.Registry) && Directory.EnumerateFiles(_fixture.Registry).Any());
        Assert.False((await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, IdempotencyKey = key }, CancellationToken.None)).Exists);
        Assert.DoesNotContain(Directory.GetDirectories("/proc"), dir => System.IO.File.Exists(Path.Combine(dir, "cmdline"))
            && SafeRead(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_ProgramNotOnPath_IsADiagnosticNamingTheCommand()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await provider.ValidateAsync(new ValidateRequest(Type, Address, V.Map(("command", Argv("no-such-program-baton", "--flag")))), CancellationToken.None);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("BT5302", diagnostic.Code);
        Assert.Equal(Address, diagnostic.Subject);
        Assert.Contains("\"no-such-program-baton\" is not found on PATH", diagnostic.Message, StringComparison.Ordinal);

        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = V.Map(("command", Argv("no-such-program-baton"))) }, CancellationToken.None);
        Assert.Contains(plan.Diagnostics, d => d.Code == "BT5302");

        // A path may be made by the stack itself, and env may change PATH: both wait for create.
        Assert.Empty((await provider.ValidateAsync(new ValidateRequest(Type, Address, V.Map(("command", Argv("./bin/made-later")))), CancellationToken.None)).Diagnostics);
        Assert.Empty((await provider.ValidateAsync(new ValidateRequest(Type, Address, V.Map(("command", Argv("sleep", "1")))), CancellationToken.None)).Diagnostics);
    }

    [Fact]
    public async Task Create_ProgramPathMissing_IsPermanentNamingResourceAndCommand_AndRecordsNothing()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", Argv("./bin/not-there"))));
        Assert.Equal(ProviderErrorKind.Permanent, created.Error!.Kind);
        Assert.Contains(Address, created.Error.Message, StringComparison.Ordinal);
        Assert.Contains("\"./bin/not-there\" is not found", created.Error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_fixture.Registry) && Directory.EnumerateFiles(_fixture.Registry).Any());
    }

    private static string SafeRead(string path)
    {
        try
        {
            return System.IO.File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    [Fact]
    public async Task Update_Scale2To3To1_KeepsLowIndexesAndStopsTheHighest()
    {
        await using var provider = await _fixture.StartAsync();
        Value Inputs(int replicas) => V.Map(("command", Argv("sleep", "300")), ("replicas", replicas), ("port", "auto"));
        var two = await CreateAsync(provider, Inputs(2));
        var three = await UpdateAsync(provider, two, Inputs(2), Inputs(3));
        Assert.Null(three.Error);
        Assert.Equal(3, Identities(three.Attributes!).Length);
        Assert.Equal(Identities(two.Attributes!), Identities(three.Attributes!)[..2]);
        Assert.Equal(two.Attributes!.AsMap()["endpoints"].AsList().ToArray(), three.Attributes!.AsMap()["endpoints"].AsList().ToArray()[..2]);

        var one = await UpdateAsync(provider, three, Inputs(3), Inputs(1));
        Assert.Null(one.Error);
        Assert.Equal([Identities(two.Attributes!)[0]], Identities(one.Attributes!));
        Assert.All(Identities(three.Attributes!)[1..], id => Assert.False(ProcessGroups.IsAlive(id.Pid, id.Ticks)));
    }

    [Fact]
    public async Task Update_CommandChange_ReplacesEveryReplica()
    {
        await using var provider = await _fixture.StartAsync();
        var before = V.Map(("command", Argv("sleep", "300")), ("replicas", 2));
        var after = V.Map(("command", Argv("sleep", "301")), ("replicas", 2));
        var created = await CreateAsync(provider, before);
        var updated = await UpdateAsync(provider, created, before, after);
        Assert.Null(updated.Error);
        Assert.Equal(created.Id, updated.Id);
        Assert.All(Identities(created.Attributes!), id => Assert.False(ProcessGroups.IsAlive(id.Pid, id.Ticks)));
        Assert.All(Identities(updated.Attributes!), id => Assert.True(ProcessGroups.IsAlive(id.Pid, id.Ticks)));
    }

    [Fact]
    public async Task Create_EnvAndWorkingDir_ReachTheProcess()
    {
        Directory.CreateDirectory(Path.Combine(_fixture.Stack, "app"));
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(
            ("command", Argv("sh", "-c", "echo \"$GREETING from $(pwd) on $PORT\"; exec sleep 300")),
            ("env", V.Map(("GREETING", "hi"))),
            ("working_dir", "app"),
            ("port", "auto")));
        Assert.Null(created.Error);
        var port = created.Attributes!.AsMap()["endpoints"].AsList()[0].AsString().Split(':')[1];
        var log = Path.Combine(_fixture.State, "process", "process.service.web", "0.log");
        await WaitUntilAsync(() => System.IO.File.ReadAllText(log).Contains("hi from", StringComparison.Ordinal));
        Assert.Equal($"hi from {Path.Combine(_fixture.Stack, "app")} on {port}\n", System.IO.File.ReadAllText(log));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
