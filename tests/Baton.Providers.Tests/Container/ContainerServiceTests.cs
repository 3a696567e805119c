using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Baton.Providers.Container;
using Baton.Providers.Tests.Conformance;
using Baton.Providers.Tests.Nginx;
using Baton.Values;
using Xunit.Abstractions;

namespace Baton.Providers.Tests.Container;

/// <summary>
/// container.service against the real Podman service: busybox httpd replicas that serve <c>/version</c> (their VERSION)
/// and <c>/who</c> (their container's host name), behind a real nginx where the test needs a load balancer.
/// </summary>
[Collection(PodmanCollection.Name)]
public sealed class ContainerServiceTests(PodmanServer podman, ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string Type = "container.service";
    private const string Address = "container.service.web";

    private const string Serve = "echo \"$VERSION\" > /www/version && echo \"$HOSTNAME\" > /www/who && exec httpd -f -p 8080 -h /www";

    private readonly ContainerFixture _fixture = new(podman);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public async Task InitializeAsync() => await _fixture.BusyboxAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private static Value Argv(params string[] argv) => Value.List(argv.Select(Value.String));

    private static Value Inputs(string version, int replicas, Value? rollout = null, string image = ContainerFixture.Image) => V.Map(
        ("image", image),
        ("command", Argv("sh", "-c", Serve)),
        ("env", V.Map(("VERSION", version))),
        ("replicas", replicas),
        ("port", "auto"),
        ("container_port", 8080),
        ("init", true),
        ("stop_timeout", "2s"),
        ("rollout", rollout ?? V.Map(("max_surge", 1), ("max_unavailable", 0))),
        ("health", V.Map(("http", "/version"), ("interval", "100ms"), ("timeout", "1s"), ("start_period", "20s"))));

    private static ImmutableArray<Value> States(Value attributes) => attributes.AsMap()["replicas_state"].AsList();

    private static string[] Endpoints(Value attributes) => [.. attributes.AsMap()["endpoints"].AsList().Select(e => e.AsString())];

    private static string[] Containers(Value attributes) => [.. States(attributes).Select(s => s.AsMap()["container"].AsString())];

    private static string NewKey() => "op-" + Guid.NewGuid().ToString("N");

    private static async Task<ResourceResult> CreateAsync(IProvider provider, Value inputs, string? key = null, string type = Type, string address = Address) =>
        await provider.CreateAsync(new CreateRequest { Type = type, Address = address, Inputs = inputs, IdempotencyKey = key ?? NewKey() }, CancellationToken.None);

    private static async Task<ResourceResult> UpdateAsync(IProvider provider, string id, Value priorInputs, Value priorAttributes, Value inputs) =>
        await provider.UpdateAsync(
            new UpdateRequest { Type = Type, Address = Address, Id = id, PriorInputs = priorInputs, PriorAttributes = priorAttributes, Inputs = inputs, IdempotencyKey = NewKey() },
            CancellationToken.None);

    private static async Task<ReadResult> ReadAsync(IProvider provider, string id, Value inputs, Value attributes) =>
        await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = id, Inputs = inputs, Attributes = attributes }, CancellationToken.None);

    private async Task<string?> GetAsync(string endpoint, string path)
    {
        try
        {
            return (await _http.GetStringAsync(new Uri($"http://{endpoint}{path}"))).Trim();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Create_ThreeReplicasBehindNginx_EveryReplicaAnswersThroughTheBalancer()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, Inputs("v1", 3));
        Assert.Null(created.Error);
        var endpoints = Endpoints(created.Attributes!);
        Assert.Equal(3, endpoints.Length);
        Assert.All(endpoints, e => Assert.StartsWith("127.0.0.1:", e, StringComparison.Ordinal));
        Assert.Equal([0, 1, 2], States(created.Attributes!).Select(s => (int)s.AsMap()["index"].AsNumber()));
        Assert.All(States(created.Attributes!), s => Assert.Equal(Value.True, s.AsMap()["alive"]));
        Assert.All(created.Attributes!.AsMap()["pids"].AsList(), pid => Assert.True(pid.AsNumber() > 0));

        // Each container carries the labels that find it again: the stack, the resource, the operation, the service.
        using var client = await _fixture.ClientAsync();
        foreach (var id in Containers(created.Attributes!))
        {
            var details = await client.InspectContainerAsync(id, CancellationToken.None);
            Assert.NotNull(details);
            Assert.Equal(_fixture.StackName, details.Labels["baton.stack"]);
            Assert.Equal(Address, details.Labels["baton.resource"]);
            Assert.Equal(created.Id, details.Labels["baton.service"]);
            Assert.StartsWith("op-", details.Labels["baton.operation"], StringComparison.Ordinal);
            Assert.All(details.Ports.Values.SelectMany(b => b), binding => Assert.Equal("127.0.0.1", binding.HostIp));
        }

        using var nginx = new NginxFixture();
        await using var balancer = await nginx.StartAsync();
        var listen = LoopbackPort.Free();
        var site = await balancer.CreateAsync(
            new CreateRequest { Type = "nginx.site", Address = "nginx.site.lb", Inputs = V.Map(("listen", listen), ("upstream", Value.List(endpoints.Select(Value.String)))), IdempotencyKey = NewKey() },
            CancellationToken.None);
        Assert.Null(site.Error);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 30 && seen.Count < 3; i++)
        {
            Assert.Equal("v1", await GetAsync($"127.0.0.1:{listen}", "/version"));
            seen.Add(await GetAsync($"127.0.0.1:{listen}", "/who") ?? "");
        }

        Assert.Equal(3, seen.Count);
        await balancer.DeleteAsync(new DeleteRequest { Type = "nginx.site", Address = "nginx.site.lb", Id = site.Id!, Attributes = site.Attributes!, IdempotencyKey = NewKey() }, CancellationToken.None);
    }

    [Fact]
    public async Task Update_RollingBehindNginxUnderLoad_NoRequestFailsAndEveryReplicaEndsOnTheNewVersion()
    {
        await using var provider = await _fixture.StartAsync();

        // Each replica is replaced in place on its own port, so the balancer's upstream list stays true throughout; the
        // balancer retries the next backend on a refused connection and never takes one out (max_fails 0), as the shop's does.
        var rollout = V.Map(("max_surge", 0), ("max_unavailable", 1));
        var v1 = Inputs("v1", 3, rollout);
        var created = await CreateAsync(provider, v1);
        Assert.Null(created.Error);
        using var nginx = new NginxFixture();
        await using var balancer = await nginx.StartAsync();
        var listen = LoopbackPort.Free();
        var site = await balancer.CreateAsync(
            new CreateRequest { Type = "nginx.site", Address = "nginx.site.lb", Inputs = V.Map(("listen", listen), ("max_fails", 0), ("upstream", Value.List(Endpoints(created.Attributes!).Select(Value.String)))), IdempotencyKey = NewKey() },
            CancellationToken.None);
        Assert.Null(site.Error);

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (requests, failures, versions) = (0, new List<string>(), new HashSet<string>(StringComparer.Ordinal));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var slowest = 0L;
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && requests < 50_000)
            {
                requests++;
                var began = clock.ElapsedMilliseconds;
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                try
                {
                    using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{listen}/version"), stop.Token);
                    var body = (await response.Content.ReadAsStringAsync(stop.Token)).Trim();
                    if (!response.IsSuccessStatusCode)
                    {
                        failures.Add($"{(int)response.StatusCode}@{clock.ElapsedMilliseconds}");
                    }
                    else
                    {
                        versions.Add(body);
                    }

                    slowest = Math.Max(slowest, clock.ElapsedMilliseconds - began);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (HttpRequestException exception)
                {
                    failures.Add(exception.Message);
                }
            }
        });

        await Task.Delay(300);
        output.WriteLine($"update starts at {clock.ElapsedMilliseconds}");
        var updated = await UpdateAsync(provider, created.Id!, v1, created.Attributes!, Inputs("v2", 3, rollout));
        output.WriteLine($"update ends at {clock.ElapsedMilliseconds}");
        await Task.Delay(500);
        await stop.CancelAsync();
        await loop;
        Assert.Null(updated.Error);
        output.WriteLine($"{requests} requests during the rollout, {failures.Count} failed, the slowest {slowest} ms; versions seen: {string.Join(", ", versions.Order())}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests failed: {string.Join("; ", failures.Take(5).Concat(failures.TakeLast(5)))}");
        Assert.Contains("v1", versions);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("v2", await GetAsync($"127.0.0.1:{listen}", "/version"));
        }

        Assert.Equal(Endpoints(created.Attributes!), Endpoints(updated.Attributes!));
        Assert.Empty(Containers(updated.Attributes!).Intersect(Containers(created.Attributes!)));
        foreach (var endpoint in Endpoints(updated.Attributes!))
        {
            Assert.Equal("v2", await GetAsync(endpoint, "/version"));
        }

        // The old containers are gone from the engine, not just stopped.
        Assert.Equal(3, (await podman.ContainerIdsWithLabelAsync("baton.service", created.Id!)).Count);
    }

    [Fact]
    public async Task Read_ContainerKilledOutsideBaton_IsDriftThatUpdateHeals()
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = Inputs("v1", 2);
        var created = await CreateAsync(provider, inputs);
        Assert.Null(created.Error);
        var victim = Containers(created.Attributes!)[0];
        using var client = await _fixture.ClientAsync();
        await client.KillContainerAsync(victim, "SIGKILL", CancellationToken.None);

        var read = await ReadAsync(provider, created.Id!, inputs, created.Attributes!);
        Assert.True(read.Exists);
        var state = States(read.Attributes!)[0].AsMap();
        Assert.Equal(Value.False, state["alive"]);
        Assert.Equal(137, (int)state["exit_code"].AsNumber());

        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = inputs, PriorInputs = inputs, PriorAttributes = read.Attributes }, CancellationToken.None);
        Assert.NotEqual(read.Attributes, plan.PlannedAttributes);
        Assert.Empty(plan.RequiresReplace);

        var healed = await UpdateAsync(provider, created.Id!, inputs, read.Attributes!, inputs);
        Assert.Null(healed.Error);
        Assert.All(States(healed.Attributes!), s => Assert.Equal(Value.True, s.AsMap()["alive"]));
        Assert.DoesNotContain(victim, Containers(healed.Attributes!));
        Assert.Contains(Containers(created.Attributes!)[1], Containers(healed.Attributes!));
        Assert.Null(await client.InspectContainerAsync(victim, CancellationToken.None));

        var after = await ReadAsync(provider, created.Id!, inputs, healed.Attributes!);
        var replan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = inputs, PriorInputs = inputs, PriorAttributes = after.Attributes }, CancellationToken.None);
        Assert.Equal(after.Attributes, replan.PlannedAttributes);
    }

    [Fact]
    public async Task Read_ContainerRemovedOutsideBaton_IsAMissingReplicaThatUpdateStartsAgain()
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = Inputs("v1", 2);
        var created = await CreateAsync(provider, inputs);
        Assert.Null(created.Error);
        using var client = await _fixture.ClientAsync();
        await client.RemoveContainerAsync(Containers(created.Attributes!)[1], force: true, removeVolumes: true, CancellationToken.None);

        var read = await ReadAsync(provider, created.Id!, inputs, created.Attributes!);
        Assert.Single(States(read.Attributes!));
        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = inputs, PriorInputs = inputs, PriorAttributes = read.Attributes }, CancellationToken.None);
        Assert.NotEqual(read.Attributes, plan.PlannedAttributes);

        var healed = await UpdateAsync(provider, created.Id!, inputs, read.Attributes!, inputs);
        Assert.Null(healed.Error);
        Assert.Equal([0, 1], States(healed.Attributes!).Select(s => (int)s.AsMap()["index"].AsNumber()));
    }

    [Fact]
    public async Task Create_KilledMidway_RetriedCreateFindsWhatItMadeAndStartsNoneTwice()
    {
        await using var provider = await _fixture.StartAsync();
        var key = NewKey();
        var inputs = Inputs("v1", 3);
        using var interrupted = new CancellationTokenSource();
        var first = provider.CreateAsync(new CreateRequest { Type = Type, Address = Address, Inputs = inputs, IdempotencyKey = key }, interrupted.Token).AsTask();

        // Cancelled as soon as the first container exists: what the engine made so far stays, labelled with the key.
        var id = ContainerProvider.ServiceIdFor(key);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await podman.ContainerIdsWithLabelAsync("baton.service", id)).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await interrupted.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        var left = await podman.ContainerIdsWithLabelAsync("baton.service", id);
        Assert.InRange(left.Count, 1, 3);

        // After the crash the engine asks by the create's key and finds the service; the next update starts what is missing.
        var found = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, IdempotencyKey = key, Inputs = inputs, Recovering = true }, CancellationToken.None);
        Assert.True(found.Exists);
        Assert.Equal(id, found.Id);
        var healed = await UpdateAsync(provider, id, inputs, found.Attributes!, inputs);
        Assert.Null(healed.Error);
        Assert.Equal([0, 1, 2], States(healed.Attributes!).Select(s => (int)s.AsMap()["index"].AsNumber()));
        Assert.Equal(3, (await podman.ContainerIdsWithLabelAsync("baton.service", id)).Count);
    }

    [Fact]
    public async Task Create_KilledWhileItWaitsForReadiness_IsDriftUntilAnUpdateWaitsForTheReplicas()
    {
        await using var provider = await _fixture.StartAsync();
        var key = NewKey();
        var id = ContainerProvider.ServiceIdFor(key);
        var inputs = Value.Map(Inputs("v1", 3).AsMap().SetItem("command", Argv("sh", "-c", "sleep 3; " + Serve)));
        using var interrupted = new CancellationTokenSource();
        var first = provider.CreateAsync(new CreateRequest { Type = Type, Address = Address, Inputs = inputs, IdempotencyKey = key }, interrupted.Token).AsTask();

        // Cancelled once every container runs, while the create waits for them to become healthy.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await podman.ContainerIdsWithLabelAsync("baton.service", id)).Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await interrupted.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        // Recovery's read by the key reports the replicas nobody saw ready as an unfinished rollout's: drift.
        var found = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, IdempotencyKey = key, Inputs = inputs, Recovering = true }, CancellationToken.None);
        Assert.True(found.Exists);
        Assert.Contains(States(found.Attributes!), s => s.AsMap()["rollout"] == Value.True);
        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = inputs, PriorInputs = inputs, PriorAttributes = found.Attributes }, CancellationToken.None);
        Assert.All(plan.PlannedAttributes.AsMap()["replicas_state"].AsList(), s => Assert.Equal(Value.False, s.AsMap()["rollout"]));

        // A later read (the plan's refresh) keeps the mark from the state, however the replicas are doing by then.
        var refreshed = await ReadAsync(provider, id, inputs, found.Attributes!);
        Assert.Equal(
            States(found.Attributes!).Where(s => s.AsMap()["rollout"] == Value.True).Select(s => s.AsMap()["container"]),
            States(refreshed.Attributes!).Where(s => s.AsMap()["rollout"] == Value.True).Select(s => s.AsMap()["container"]));

        // The update waits until each is ready: when it returns, every replica serves, none was started twice.
        var confirmed = await UpdateAsync(provider, id, inputs, refreshed.Attributes!, inputs);
        Assert.Null(confirmed.Error);
        Assert.All(States(confirmed.Attributes!), s => Assert.Equal(Value.False, s.AsMap()["rollout"]));
        foreach (var endpoint in Endpoints(confirmed.Attributes!))
        {
            Assert.Equal("v1", await GetAsync(endpoint, "/version"));
        }

        Assert.Equal(3, (await podman.ContainerIdsWithLabelAsync("baton.service", id)).Count);
        var after = await ReadAsync(provider, id, inputs, confirmed.Attributes!);
        Assert.All(States(after.Attributes!), s => Assert.Equal(Value.False, s.AsMap()["rollout"]));
    }

    [Fact]
    public async Task Create_ImageThatDoesNotExist_FailsNamingTheResourceAndImageAndStartsNothing()
    {
        await using var provider = await _fixture.StartAsync();
        var key = NewKey();
        var result = await CreateAsync(provider, Inputs("v1", 2, image: "no-such-image:404"), key);
        Assert.NotNull(result.Error);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error.Kind);
        Assert.Contains(Address, result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-image:404", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(await podman.ContainerIdsWithLabelAsync("baton.service", ContainerProvider.ServiceIdFor(key)));
    }

    [Fact]
    public async Task Create_VolumeThatDoesNotExist_FailsNamingItAndTheEngineMakesNoUnlabelledVolume()
    {
        await using var provider = await _fixture.StartAsync();
        var key = NewKey();
        var name = "bt-missing-" + Guid.NewGuid().ToString("N")[..8];
        var inputs = Value.Map(Inputs("v1", 1).AsMap().SetItem("mounts", Value.List(V.Map(("source", name), ("target", "/data")))));
        var result = await CreateAsync(provider, inputs, key);
        Assert.NotNull(result.Error);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error.Kind);
        Assert.Contains(Address, result.Error.Message, StringComparison.Ordinal);
        Assert.Contains($"the volume \"{name}\" does not exist", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(await podman.ContainerIdsWithLabelAsync("baton.service", ContainerProvider.ServiceIdFor(key)));
        var volumes = JsonNode.Parse(await podman.GetAsync("/volumes"))!["Volumes"]?.AsArray() ?? [];
        Assert.DoesNotContain(volumes, v => v!["Name"]!.GetValue<string>() == name);
    }

    [Fact]
    public async Task Create_FixedPortInUse_FailsBeforeAnythingStarts()
    {
        await using var provider = await _fixture.StartAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var key = NewKey();
        var inputs = Value.Map(Inputs("v1", 1).AsMap().SetItem("port", Value.Number(port)));
        var result = await CreateAsync(provider, inputs, key);
        Assert.NotNull(result.Error);
        Assert.Contains($"port {port} is already in use", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains(Address, result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(await podman.ContainerIdsWithLabelAsync("baton.service", ContainerProvider.ServiceIdFor(key)));
    }

    [Fact]
    public async Task Calls_UnreachableEngine_AreTransientErrorsNamingTheEndpoint()
    {
        var socket = Path.Combine(_fixture.Stack, "nobody-listens.sock");
        await using var provider = await _fixture.StartAsync("unix://" + socket);

        // Planning needs no engine.
        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = Inputs("v1", 1) }, CancellationToken.None);
        Assert.Empty(plan.Diagnostics);

        var created = await CreateAsync(provider, Inputs("v1", 1));
        Assert.NotNull(created.Error);
        Assert.Equal(ProviderErrorKind.Transient, created.Error.Kind);
        Assert.Contains(socket, created.Error.Message, StringComparison.Ordinal);
        Assert.Contains(Address, created.Error.Message, StringComparison.Ordinal);
        var read = await ReadAsync(provider, "ctr-00000000000000000000", Inputs("v1", 1), Value.EmptyMap);
        Assert.NotNull(read.Error);
        Assert.Equal(ProviderErrorKind.Transient, read.Error.Kind);
    }

    [Fact]
    public async Task Validate_MountOutsideTheRoots_IsAPathDiagnosticNamingTheMount()
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = Value.Map(Inputs("v1", 1).AsMap().SetItem("mounts", Value.List(V.Map(("source", "/etc"), ("target", "/host-etc")))));
        var result = await provider.ValidateAsync(new ValidateRequest(Type, Address, inputs), CancellationToken.None);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(ContainerProvider.PathEscapeCode, diagnostic.Code);
        Assert.Contains("mounts[0].source \"/etc\"", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(Address, diagnostic.Subject);

        var created = await CreateAsync(provider, inputs);
        Assert.NotNull(created.Error);
        Assert.Contains("mounts[0].source", created.Error.Message, StringComparison.Ordinal);
        Assert.Empty(await _fixture.StackContainersAsync());
    }

    [Theory]
    [InlineData("command", "httpd -f", "command must be an argument list, not a shell string")]
    [InlineData("container_port", null, "container_port is required with port")]
    [InlineData("network_mode", "overlay", "network_mode must be bridge")]
    [InlineData("limits", "lots", "limits must be a map")]
    public async Task Validate_BadInput_IsADiagnosticAboutTheResource(string name, string? value, string expected)
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = Value.Map(Inputs("v1", 1).AsMap().SetItem(name, value is null ? Value.Null : Value.String(value)));
        var result = await provider.ValidateAsync(new ValidateRequest(Type, Address, inputs), CancellationToken.None);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(ContainerProvider.InvalidInputCode, diagnostic.Code);
        Assert.Contains(expected, diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(Address, diagnostic.Subject);
    }

    [Fact]
    public async Task Actions_ExecLogsAndRestartOfOneReplica_WorkOnTheServicesContainers()
    {
        await using var provider = await _fixture.StartAsync();
        var volume = await CreateAsync(provider, V.Map(("name", "bt-data-" + Guid.NewGuid().ToString("N")[..6])), type: "container.volume", address: "container.volume.data");
        Assert.Null(volume.Error);
        var inputs = Value.Map(Inputs("v1", 2).AsMap().SetItem("mounts", Value.List(V.Map(("source", volume.Id!), ("target", "/data")))));
        var created = await CreateAsync(provider, inputs);
        Assert.Null(created.Error);

        async Task<InvokeResult> InvokeAsync(string action, params (string Key, object? Value)[] extra) =>
            await provider.InvokeAsync(new InvokeRequest { Action = action, Inputs = V.Map([("service", created.Id!), .. extra]), IdempotencyKey = NewKey() }, CancellationToken.None);

        // Replica 0 writes to the shared volume; replica 1 reads it.
        var write = await InvokeAsync("container.exec", ("command", Argv("sh", "-c", "echo shared > /data/note; echo done; echo oops >&2; exit 3")), ("replica", 0));
        Assert.Null(write.Error);
        Assert.Equal(3, (int)write.Outputs!.AsMap()["exit_code"].AsNumber());
        Assert.Equal("done\n", write.Outputs.AsMap()["stdout"].AsString());
        Assert.Equal("oops\n", write.Outputs.AsMap()["stderr"].AsString());
        var read = await InvokeAsync("container.exec", ("command", Argv("cat", "/data/note")), ("replica", 1), ("expect_exit_code", 0));
        Assert.Null(read.Error);
        Assert.Equal("shared\n", read.Outputs!.AsMap()["stdout"].AsString());
        var failing = await InvokeAsync("container.exec", ("command", Argv("false")), ("expect_exit_code", 0));
        Assert.NotNull(failing.Error);
        Assert.Contains("exited with 1, expected 0", failing.Error.Message, StringComparison.Ordinal);

        var logs = await InvokeAsync("container.logs", ("lines", 10));
        Assert.Null(logs.Error);
        Assert.Equal(2, logs.Outputs!.AsMap()["replicas"].AsList().Length);

        var restart = await InvokeAsync("container.restart", ("replicas", Value.List(Value.Number(1))));
        Assert.Null(restart.Error);
        var after = await ReadAsync(provider, created.Id!, inputs, created.Attributes!);
        Assert.Equal(Containers(created.Attributes!)[0], Containers(after.Attributes!)[0]);
        Assert.NotEqual(Containers(created.Attributes!)[1], Containers(after.Attributes!)[1]);
        Assert.Equal(Endpoints(created.Attributes!), Endpoints(after.Attributes!));
        Assert.Equal("shared", await InvokeAsync("container.exec", ("command", Argv("cat", "/data/note")), ("replica", 1)) is { Outputs: { } o } ? o.AsMap()["stdout"].AsString().Trim() : null);

        var unknown = await provider.InvokeAsync(new InvokeRequest { Action = "container.exec", Inputs = V.Map(("service", "ctr-00000000000000000000"), ("command", Argv("true"))), IdempotencyKey = NewKey() }, CancellationToken.None);
        Assert.NotNull(unknown.Error);
        Assert.Contains("no container.service has the id", unknown.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_ServiceNetworkVolumeAndImage_LeavesNothingWithTheStacksLabel()
    {
        await using var provider = await _fixture.StartAsync();
        PodmanServer.MakeBusyboxRootfsTar(Path.Combine(_fixture.Stack, "rootfs.tar"));
        var imageName = "bt-own-" + Guid.NewGuid().ToString("N")[..6] + ":1";
        var image = await CreateAsync(provider, V.Map(("name", imageName), ("import", "rootfs.tar")), type: "container.image", address: "container.image.base");
        Assert.Null(image.Error);
        var network = await CreateAsync(provider, V.Map(("name", "bt-net-" + Guid.NewGuid().ToString("N")[..6])), type: "container.network", address: "container.network.back");
        Assert.Null(network.Error);
        var volume = await CreateAsync(provider, V.Map(("name", "bt-vol-" + Guid.NewGuid().ToString("N")[..6])), type: "container.volume", address: "container.volume.data");
        Assert.Null(volume.Error);
        var inputs = Value.Map(Inputs("v1", 2, image: image.Attributes!.AsMap()["image_id"].AsString()).AsMap()
            .SetItem("networks", Value.List(network.Attributes!.AsMap()["name"]))
            .SetItem("mounts", Value.List(V.Map(("source", volume.Id!), ("target", "/data")))));
        var service = await CreateAsync(provider, inputs);
        Assert.Null(service.Error);
        Assert.Equal(2, (await _fixture.StackContainersAsync()).Count);

        foreach (var (type, address, result) in new[] { (Type, Address, service), ("container.volume", "container.volume.data", volume), ("container.network", "container.network.back", network), ("container.image", "container.image.base", image) })
        {
            var deleted = await provider.DeleteAsync(new DeleteRequest { Type = type, Address = address, Id = result.Id!, Attributes = result.Attributes!, IdempotencyKey = NewKey() }, CancellationToken.None);
            Assert.Null(deleted.Error);
        }

        Assert.Empty(await _fixture.StackContainersAsync());
        Assert.Empty(await podman.NetworkNamesWithLabelAsync("baton.stack", _fixture.StackName));
        Assert.Empty(await podman.VolumeNamesWithLabelAsync("baton.stack", _fixture.StackName));
        using var client = await _fixture.ClientAsync();
        Assert.Null(await client.InspectImageAsync(imageName, CancellationToken.None));
    }
}
