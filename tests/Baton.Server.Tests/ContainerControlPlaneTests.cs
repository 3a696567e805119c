using System.Diagnostics;
using System.Text.Json;
using Baton.Providers.Container.Engine;
using Baton.Server.Tests.Support;
using Xunit.Abstractions;

namespace Baton.Server.Tests;

/// <summary>
/// One Podman service for the class, with the busybox test image imported once, and a client of its engine to look at
/// (and clean up after) what the control plane made.
/// </summary>
public sealed class ContainerControlPlaneFixture : IAsyncLifetime
{
    /// <summary>The busybox image every stack runs (<c>httpd</c> serves <c>/www</c>).</summary>
    public const string Image = "bt-busybox:1";

    private DockerEngineClient? _client;

    public PodmanServer Podman { get; } = new();

    internal DockerEngineClient Client => _client ?? throw new InvalidOperationException("the fixture is not started");

    public async Task InitializeAsync()
    {
        await Podman.InitializeAsync();
        await Podman.ImportBusyboxImageAsync(Image);
        Assert.True(DockerEndpoint.TryParse(Podman.Endpoint, null, null, out var endpoint, out var error), error);
        _client = await DockerEngineClient.ConnectAsync(endpoint, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        await Podman.DisposeAsync();
    }
}

/// <summary>
/// The control plane treats container.service as it treats process.service, against a real Podman service: a container
/// killed or removed outside Baton is healed by an ordinary apply, a container failing its health check is reported
/// and replaced through container.restart, and container replicas behind nginx scale out and back in on requests per
/// second. Each stack has a name of its own, which everything the provider makes carries as the label baton.stack.
/// </summary>
public sealed class ContainerControlPlaneTests(ContainerControlPlaneFixture fixture, ITestOutputHelper output) : IClassFixture<ContainerControlPlaneFixture>
{
    /// <summary>How a container is ended outside Baton.</summary>
    public enum Outside
    {
        /// <summary>SIGKILL through the engine API: the container is still there, exited with 137.</summary>
        Killed,

        /// <summary>Removed (forcibly) through the engine API: the container is gone.</summary>
        Removed,
    }

    private PodmanServer Podman => fixture.Podman;

    private static string NewStackName() => "cc-" + Guid.NewGuid().ToString("N")[..10];

    private string Stack(string name, string service, string extra = "") => $$"""
        stack: {{name}}
        drift: report
        reconcile: { health_interval: 300ms, refresh_interval: 1s }
        providers:
          container: { endpoint: "{{Podman.Endpoint}}", roots: [.] }
        resources:
          web:
            type: container.service
            properties:
              image: {{ContainerControlPlaneFixture.Image}}
              command: [httpd, -f, -p, "8080", -h, /www]
              port: auto
              container_port: 8080
              init: true
              stop_timeout: 2s
        {{service}}
        {{extra}}
        """;

    [Theory]
    [InlineData(Outside.Killed)]
    [InlineData(Outside.Removed)]
    public async Task ContainerEndedOutsideBaton_IsHealedByAnApply_AndTheStreamSaysSo(Outside how)
    {
        var name = NewStackName();
        var yaml = Stack(name, """
                  replicas: 2
                  health: { http: /index.html, interval: 200ms }
            """);
        await using var server = await ServerHarness.StartAsync(yaml);
        try
        {
            await ApplyAsync(server);
            await ServerHarness.EventuallyAsync(async () => await HealthAsync(server) == "healthy", "web healthy");
            var before = await ContainersAsync(server);
            Assert.Equal(2, before.Count);
            Assert.Equal(before.Order(), (await Podman.ContainerIdsWithLabelAsync("baton.stack", name)).Order());

            var stopwatch = Stopwatch.StartNew();
            if (how == Outside.Killed)
            {
                await fixture.Client.KillContainerAsync(before[0], "SIGKILL", CancellationToken.None);
            }
            else
            {
                await fixture.Client.RemoveContainerAsync(before[0], force: true, removeVolumes: true, CancellationToken.None);
            }

            await ServerHarness.EventuallyAsync(async () => await HasEventAsync(server, "heal.finished"), "heal.finished");
            output.WriteLine($"a {how.ToString().ToLowerInvariant()} container was replaced {stopwatch.Elapsed.TotalSeconds:0.0} s after it ended");
            var after = await ContainersAsync(server);
            Assert.Equal(2, after.Count);
            Assert.DoesNotContain(before[0], after);
            Assert.Contains(before[1], after);
            var said = how == Outside.Killed ? "replica 0 is not running" : "replica 0 is gone";
            Assert.Contains(await RecentAsync(server), e => e.Kind == "resource.unhealthy" && e.Message.Contains(said, StringComparison.Ordinal));

            // The engine agrees: the ended container is gone (not just stopped), the two the state names run.
            Assert.Null(await fixture.Client.InspectContainerAsync(before[0], CancellationToken.None));
            Assert.Equal(after.Order(), (await Podman.ContainerIdsWithLabelAsync("baton.stack", name)).Order());
            foreach (var id in after)
            {
                var details = await fixture.Client.InspectContainerAsync(id, CancellationToken.None);
                Assert.NotNull(details);
                Assert.True(details.State.Running, $"{id} is {details.State.Status}");
                Assert.All(details.Ports.Values.SelectMany(b => b), binding => Assert.Equal("127.0.0.1", binding.HostIp));
            }

            await ServerHarness.EventuallyAsync(async () => await HealthAsync(server) == "healthy", "web healthy again in the API");
            var applies = await server.GetJsonAsync($"/api/stacks/{server.StackName}/applies");
            Assert.True(applies.GetArrayLength() >= 2, "the heal is an ordinary apply in the history");
            await DestroyAndCheckAsync(server, name);
        }
        finally
        {
            await CleanUpAsync(server, name);
        }
    }

    [Fact]
    public async Task ContainerFailingItsHealthCheck_IsReportedAfterTheThreshold_AndReplacedThroughContainerRestart()
    {
        var name = NewStackName();

        // /www is a host directory of the stack: deleting its ok makes the replicas' health path answer 404.
        var yaml = Stack(name, """
                  replicas: 2
                  mounts: [{ source: ./www, target: /www }]
                  health: { http: /ok, interval: 200ms }
            """);
        await using var server = await ServerHarness.StartAsync(yaml);
        var ok = Path.Combine(server.Directory, "www", "ok");
        Directory.CreateDirectory(Path.GetDirectoryName(ok)!);
        await File.WriteAllTextAsync(ok, "ok\n");
        try
        {
            await ApplyAsync(server);
            await ServerHarness.EventuallyAsync(async () => await HealthAsync(server) == "healthy", "web healthy");

            // The containers keep running but their health path now answers 404.
            File.Delete(ok);
            await ServerHarness.EventuallyAsync(async () => (await RecentAsync(server)).Any(e => e.Kind == "resource.unhealthy" && e.Message.Contains("failed its health check 3 times", StringComparison.Ordinal)), "resource.unhealthy after 3 failed checks");
            await ServerHarness.EventuallyAsync(async () => await HealthAsync(server) == "down", "web down in the API");
            var before = await ContainersAsync(server);
            Assert.Equal(2, before.Count);

            // With the health path back, the reconciler's replacement of the failing replicas succeeds: new
            // containers, healthy again, and the old ones gone from the engine.
            await File.WriteAllTextAsync(ok, "ok\n");
            await ServerHarness.EventuallyAsync(async () => (await RecentAsync(server)).Any(e => e.Kind == "heal.finished" && e.Message.Contains("replacing unhealthy replica", StringComparison.Ordinal)), "an unhealthy replica replaced");
            await ServerHarness.EventuallyAsync(async () => await HealthAsync(server) == "healthy", "web healthy again");
            var after = await ContainersAsync(server);
            Assert.Equal(2, after.Count);
            Assert.NotEqual(before.Order(), after.Order());
            Assert.Equal(after.Order(), (await Podman.ContainerIdsWithLabelAsync("baton.stack", name)).Order());
            foreach (var replaced in before.Except(after))
            {
                Assert.Null(await fixture.Client.InspectContainerAsync(replaced, CancellationToken.None));
            }

            await DestroyAndCheckAsync(server, name);
        }
        finally
        {
            await CleanUpAsync(server, name);
        }
    }

    [Fact]
    public async Task Load_ThroughTheBalancer_ScalesContainersOut_ThenBackIn()
    {
        var name = NewStackName();
        var port = LoopbackPort.Free();
        var yaml = Stack(
            name,
            $$"""
                  replicas: 1
                  health: { http: /index.html, interval: 200ms }
                  rollout: { max_surge: 1, max_unavailable: 0 }
                autoscale:
                  min: 1
                  max: 3
                  metric: rps
                  source: http://127.0.0.1:{{port}}/nginx_status
                  target: 20
                  scale_out: { window: 2s }
                  scale_in: { window: 3s, max_step: 2 }
                  drain: 1s
            """,
            $$"""
              lb:
                type: nginx.site
                properties:
                  listen: {{port}}
                  upstream: ${web.endpoints}
                  max_fails: 0
                  status_path: /nginx_status
            """).Replace("providers:\n", "providers:\n  nginx: {}\n", StringComparison.Ordinal);
        await using var server = await ServerHarness.StartAsync(yaml);
        try
        {
            await ApplyAsync(server);
            Assert.Single(await ContainersAsync(server));
            var first = (await ContainersAsync(server))[0];

            var load = LoadLoop.Start(new Uri($"http://127.0.0.1:{port}/index.html"), workers: 4, limit: TimeSpan.FromSeconds(40));
            var started = Stopwatch.StartNew();
            TimeSpan scaledOut;
            try
            {
                await ServerHarness.EventuallyAsync(async () => (await ContainersAsync(server)).Count >= 2 && await LbHasAsync(server, 2), TimeSpan.FromSeconds(20), "scale-out within 20 s of the load starting");
                scaledOut = started.Elapsed;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            finally
            {
                await load.StopAsync();
            }

            // The new replicas are containers of this stack on the engine, running, published on loopback only.
            var scaled = await ContainersAsync(server);
            Assert.Contains(first, scaled);
            var labelled = await Podman.ContainerIdsWithLabelAsync("baton.stack", name);
            Assert.All(scaled, id => Assert.Contains(id, labelled));
            foreach (var id in scaled)
            {
                var details = await fixture.Client.InspectContainerAsync(id, CancellationToken.None);
                Assert.NotNull(details);
                Assert.True(details.State.Running, $"{id} is {details.State.Status}");
                Assert.Equal(name, details.Labels["baton.stack"]);
                Assert.All(details.Ports.Values.SelectMany(b => b), binding => Assert.Equal("127.0.0.1", binding.HostIp));
            }

            Assert.True(load.Requests > 100, $"the load loop sent {load.Requests} requests");
            Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} of {load.Requests} requests failed: {string.Join("; ", load.Failures.Take(5))}");

            var stopped = Stopwatch.StartNew();
            await ServerHarness.EventuallyAsync(async () => (await ContainersAsync(server)).Count == 1, TimeSpan.FromSeconds(30), "scale-in after the load stopped");
            output.WriteLine($"scaled out to {scaled.Count} containers {scaledOut.TotalSeconds:F1} s after the load started; {load.Requests} requests, {load.Failures.Count} failed; back to 1 container {stopped.Elapsed.TotalSeconds:F1} s after it stopped");

            // The stopped containers are removed from the engine, not left exited.
            var remaining = await ContainersAsync(server);
            await ServerHarness.EventuallyAsync(async () => (await Podman.ContainerIdsWithLabelAsync("baton.stack", name)).Order().SequenceEqual(remaining.Order()), TimeSpan.FromSeconds(10), "only the remaining container on the engine");
            var events = await server.GetJsonAsync("/api/events/recent?limit=1000");
            var decisions = events.EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "scaling.decision").Select(e => e.GetProperty("message").GetString()!).ToList();
            Assert.Contains(decisions, d => d.Contains("1 → ", StringComparison.Ordinal));
            Assert.Contains(decisions, d => d.Contains("→ 1 replicas", StringComparison.Ordinal));
            await DestroyAndCheckAsync(server, name);
        }
        finally
        {
            await CleanUpAsync(server, name);
        }
    }

    /// <summary>Plans and applies the stack; an apply that did not make <c>web</c> fails the test with the stack's events.</summary>
    private static async Task ApplyAsync(ServerHarness server)
    {
        await server.ApplyAsync(await server.PlanAsync());
        var resources = await server.GetJsonAsync($"/api/stacks/{server.StackName}/resources");
        if (!resources.EnumerateArray().Any(r => r.GetProperty("address").GetString() == "web"))
        {
            Assert.Fail("the apply did not make web: " + string.Join("\n", (await RecentAsync(server)).Select(e => $"{e.Kind}: {e.Message}")));
        }
    }

    /// <summary>The container ids the API shows for <c>web</c>, by replica.</summary>
    private static async Task<List<string>> ContainersAsync(ServerHarness server)
    {
        var web = await server.GetJsonAsync($"/api/stacks/{server.StackName}/resources/web");
        return [.. web.GetProperty("outputs").GetProperty("replicas_state").EnumerateArray().Select(r => r.GetProperty("container").GetString()!)];
    }

    private static async Task<string?> HealthAsync(ServerHarness server)
    {
        var web = await server.GetJsonAsync($"/api/stacks/{server.StackName}/resources/web");
        return web.GetProperty("health") is { ValueKind: JsonValueKind.Object } health ? health.GetProperty("state").GetString() : null;
    }

    private static async Task<bool> LbHasAsync(ServerHarness server, int upstreams)
    {
        var lb = await server.GetJsonAsync($"/api/stacks/{server.StackName}/resources/lb");
        return lb.GetProperty("inputs").GetProperty("upstream").GetArrayLength() >= upstreams;
    }

    private static async Task<List<(string Kind, string Message)>> RecentAsync(ServerHarness server)
    {
        var recent = await server.GetJsonAsync("/api/events/recent?limit=1000");
        return [.. recent.EnumerateArray().Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("message").GetString() ?? ""))];
    }

    private static async Task<bool> HasEventAsync(ServerHarness server, string kind) => (await RecentAsync(server)).Any(e => e.Kind == kind);

    /// <summary>Destroys the stack through the API and checks that nothing with its label is left on the engine.</summary>
    private async Task DestroyAndCheckAsync(ServerHarness server, string name)
    {
        await ReconcilerTests.DestroyAsync(server);
        Assert.Empty(await Podman.ContainerIdsWithLabelAsync("baton.stack", name));
        Assert.Empty(await Podman.NetworkNamesWithLabelAsync("baton.stack", name));
        Assert.Empty(await Podman.VolumeNamesWithLabelAsync("baton.stack", name));
    }

    /// <summary>
    /// Stops the control plane (so nothing heals or scales meanwhile) and removes every container, network and
    /// volume still labelled with the stack's name, as after a test that failed before its destroy.
    /// </summary>
    private async Task CleanUpAsync(ServerHarness server, string name)
    {
        await server.StopAsync();
        var problems = await fixture.Podman.RemoveLabelledAsync("baton.stack", name);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}
