using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Baton.Examples.Tests;

/// <summary>
/// examples/shop-containers end to end, through the real baton command: the web image built by the example's own
/// build-image.sh and the engine's build endpoint on a real Podman service, three containers of the shop's web
/// application behind real nginx, on a real PostgreSQL and s3rver; a rolling update and a scale-out with no failed
/// request; a container killed behind baton's back is drift that apply heals; destroy leaves nothing with the stack's
/// label and removes the built image.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes the servers through IAsyncLifetime.DisposeAsync")]
public sealed class ShopContainersTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string StackName = "shop-containers";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);
    private readonly PostgresServer _postgres = new();
    private readonly S3rverServer _s3 = new();
    private readonly PodmanServer _podman = new();
    private readonly string _stack = Path.Combine(Path.GetTempPath(), "baton-shopc-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _bucket = "shopc-" + Guid.NewGuid().ToString("N")[..10];
    private bool _destroyed;

    private string VarFile => Path.Combine(_stack, "vars.json");

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_postgres.InitializeAsync(), _s3.InitializeAsync(), _podman.InitializeAsync());
        var started = Stopwatch.GetTimestamp();
        await ShopStack.PrepareContainersAsync(_stack, _podman.Endpoint, _postgres, _s3, _bucket);
        output.WriteLine($"build-image.sh made the image's context in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (!_destroyed && File.Exists(Path.Combine(_stack, "baton.yaml")))
            {
                await BatonAsync(0, "destroy", _stack, "--auto-approve", "--var-file", VarFile);
            }
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException or TimeoutException)
        {
            output.WriteLine("cleanup destroy failed: " + e.Message);
        }
        finally
        {
            // The Podman harness removes whatever is left on its service and stops it.
            await _podman.DisposeAsync();
            await _s3.DisposeAsync();
            await _postgres.DisposeAsync();
            if (Directory.Exists(_stack))
            {
                Directory.Delete(_stack, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Shop_in_containers_builds_serves_rolls_out_heals_and_destroys_without_a_failed_request()
    {
        // 1. Deploy: role, database, bucket, the image built through the engine, three containers, nginx, the check.
        var apply = await BatonAsync(0, "apply", _stack, "--auto-approve", "--var-file", VarFile);
        Assert.Contains("image", apply.Out, StringComparison.Ordinal);
        var outputs = await OutputsAsync();
        var url = new Uri(outputs["url"]!.GetValue<string>());
        var endpoints = Strings(outputs["endpoints"]);
        Assert.Equal(3, endpoints.Count);
        Assert.StartsWith("sha256:", outputs["image"]!.GetValue<string>(), StringComparison.Ordinal);
        var containers = await StackContainersAsync();
        Assert.Equal(3, containers.Count);
        Assert.Equal(Containers(outputs).Order(StringComparer.Ordinal), containers.Select(c => c.Id).Order(StringComparer.Ordinal));
        foreach (var container in containers)
        {
            Assert.True(container.Running, $"container {container.Id} does not run");
            Assert.Equal("host", container.Inspect["HostConfig"]!["NetworkMode"]!.GetValue<string>());
            Assert.Equal(256L * 1024 * 1024, container.Inspect["HostConfig"]!["Memory"]!.GetValue<long>());
            Assert.Equal("shop", container.Labels["app"]);
            Assert.Equal("web", container.Labels["baton.resource"]);
            Assert.Equal(outputs["image"]!.GetValue<string>(), container.Inspect["Image"]!.GetValue<string>(), StringComparer.Ordinal);
        }

        Assert.Equal(["0", "1", "2"], containers.Select(c => c.Labels["baton.index"]).Order(StringComparer.Ordinal));

        // 2. Every container serves through nginx; products come from PostgreSQL on the host's loopback.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await ShopChecks.ServedByEveryReplicaAsync(client, url, endpoints);

        // 3. An upload streams through nginx and a container into the bucket.
        await ShopChecks.UploadLandsInBucketAsync(client, url, _s3, _bucket, "baton shop in a container\n", 2000);

        // 4. Scale to five and roll out version 2 under a client loop: not one request may fail.
        await ShopChecks.RollsOutWithoutAFailedRequestAsync(output, url, () =>
            BatonAsync(0, "apply", _stack, "--auto-approve", "--var-file", VarFile, "--var", "replicas=5", "--var", "version=2"));

        await ShopChecks.SetVariablesAsync(VarFile, ("replicas", 5), ("version", "2"));
        outputs = await OutputsAsync();
        containers = await StackContainersAsync();
        Assert.Equal(5, containers.Count);
        Assert.All(containers, c => Assert.True(c.Running, $"container {c.Id} does not run after the rollout"));
        Assert.Equal(Containers(outputs).Order(StringComparer.Ordinal), containers.Select(c => c.Id).Order(StringComparer.Ordinal));
        for (var i = 0; i < 50; i++)
        {
            using var response = await client.GetAsync(new Uri(url, "/healthz"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("2", response.Headers.GetValues("X-Shop-Version").Single());
        }

        // 5. A container killed behind baton's back is drift: plan shows it, apply starts a new one in its place.
        var victim = containers.Single(c => c.Labels["baton.index"] == "2").Id;
        await _podman.PostAsync($"/containers/{victim}/kill?signal=KILL");
        await WaitUntilAsync(async () => !(await InspectAsync(victim))["State"]!["Running"]!.GetValue<bool>(), "the killed container stopped");
        var (planExit, planOut, _) = await BatonAsync(2, "plan", _stack, "--var-file", VarFile, "--detailed-exitcode");
        Assert.Equal(2, planExit);
        Assert.Contains("web", planOut, StringComparison.Ordinal);
        await BatonAsync(0, "apply", _stack, "--auto-approve", "--var-file", VarFile);
        containers = await StackContainersAsync();
        Assert.Equal(5, containers.Count);
        Assert.All(containers, c => Assert.True(c.Running, $"container {c.Id} does not run after the heal"));
        Assert.DoesNotContain(victim, containers.Select(c => c.Id));
        Assert.Equal(["0", "1", "2", "3", "4"], containers.Select(c => c.Labels["baton.index"]).Order(StringComparer.Ordinal));
        await BatonAsync(0, "plan", _stack, "--var-file", VarFile, "--detailed-exitcode");

        // 6. A new build of the application changes the image's context: the apply builds the image again and rolls
        //    every container onto its new id, under a client loop that sees no failed request.
        var oldImage = outputs["image"]!.GetValue<string>();
        await File.WriteAllTextAsync(Path.Combine(_stack, "out", "image", "rootfs", "app", "release.txt"), "build 2\n");
        var (rebuildPlanExit, rebuildPlan, _) = await BatonAsync(2, "plan", _stack, "--var-file", VarFile, "--detailed-exitcode");
        Assert.Equal(2, rebuildPlanExit);
        Assert.Contains("image", rebuildPlan, StringComparison.Ordinal);
        await using (var load = LoadLoop.Start(new Uri(url, "/products")))
        {
            await Task.Delay(500);
            await BatonAsync(0, "apply", _stack, "--auto-approve", "--var-file", VarFile);
            await load.StopAsync();
            output.WriteLine($"rebuild rollout: {load.Requests} requests, {load.Failures.Count} failed");
            Assert.True(load.Requests >= 50, $"the client loop sent only {load.Requests} requests during the rebuild's rollout");
            Assert.Empty(load.Failures);
        }

        outputs = await OutputsAsync();
        var newImage = outputs["image"]!.GetValue<string>();
        Assert.NotEqual(oldImage, newImage);
        containers = await StackContainersAsync();
        Assert.Equal(5, containers.Count);
        Assert.All(containers, c => Assert.Equal(newImage, c.Inspect["Image"]!.GetValue<string>()));
        Assert.All(containers, c => Assert.True(c.Running, $"container {c.Id} does not run after the rebuild"));

        // 7. Destroy: no container left with the stack's label, the built image gone, the balancer's port closed.
        var listen = url.Port;
        await BatonAsync(0, "destroy", _stack, "--auto-approve", "--var-file", VarFile);
        _destroyed = true;
        Assert.Empty(await _podman.ContainerIdsWithLabelAsync("baton.stack", StackName));
        var image = await Assert.ThrowsAsync<InvalidOperationException>(() => _podman.GetAsync("/images/shop-web:latest/json"));
        Assert.Contains("404", image.Message, StringComparison.Ordinal);
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, listen));
    }

    private sealed record EngineContainer(string Id, bool Running, IReadOnlyDictionary<string, string> Labels, JsonNode Inspect);

    private async Task<List<EngineContainer>> StackContainersAsync()
    {
        var found = new List<EngineContainer>();
        foreach (var id in await _podman.ContainerIdsWithLabelAsync("baton.stack", StackName))
        {
            var inspect = await InspectAsync(id);
            var labels = inspect["Config"]!["Labels"]!.AsObject().ToDictionary(l => l.Key, l => l.Value!.GetValue<string>(), StringComparer.Ordinal);
            found.Add(new EngineContainer(id, inspect["State"]!["Running"]!.GetValue<bool>(), labels, inspect));
        }

        return found;
    }

    private async Task<JsonNode> InspectAsync(string id) => JsonNode.Parse(await _podman.GetAsync($"/containers/{id}/json"))!;

    private Task<(int ExitCode, string Out, string Error)> BatonAsync(int expectedExit, params string[] args) =>
        ShopChecks.BatonAsync(output, _stack, CommandTimeout, _postgres.Password, expectedExit, args);

    private async Task<JsonObject> OutputsAsync()
    {
        var (_, text, _) = await BatonAsync(0, "output", _stack, "--json");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The container ids the stack's outputs name, one per replica.</summary>
    private static List<string> Containers(JsonObject outputs) =>
        [.. outputs["replicas"]!.AsArray().Select(r => r!["container"]!.GetValue<string>())];

    private static List<string> Strings(JsonNode? node) => [.. node!.AsArray().Select(e => e!.GetValue<string>())];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string message)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, message);
            await Task.Delay(100);
        }
    }
}
