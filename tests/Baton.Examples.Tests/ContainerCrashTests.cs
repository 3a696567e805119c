using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Baton.Providers.Container.Engine;
using Xunit.Abstractions;

namespace Baton.Examples.Tests;

/// <summary>
/// A container stack (a network, a volume and a three-replica service on a private Podman service) applied through
/// the real baton command, which is killed with SIGKILL while it creates the containers: right after the first
/// container appears, then at random moments of the applies that recover (three kills in all). The engine is the registry, so the apply that runs
/// to completion afterwards must find what the interrupted ones made: exactly three containers, each index once,
/// every one of them in state, nothing left to plan; and a destroy, killed once too, leaves nothing with the stack's
/// label. Set BATON_CRASH_SEED to repeat a run's random kill moment.
/// </summary>
public sealed class ContainerCrashTests(ITestOutputHelper output)
{
    private const string Image = "bt-crash-busybox:1";
    private const int Replicas = 3;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Apply_KilledWhileContainersStart_ResumesWithEachReplicaOnceInStateAndDestroyLeavesNothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BATON_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount;
        var random = new Random(seed);
        var token = Guid.NewGuid().ToString("N")[..10];
        var stackName = "ctcrash-" + token;
        var labels = new Dictionary<string, string> { ["baton.stack"] = stackName };
        var directory = Directory.CreateTempSubdirectory("baton-ctcrash-");
        var clock = Stopwatch.StartNew();
        PodmanServer? podman = null;
        DockerEngineClient? client = null;
        try
        {
            podman = await PodmanServer.StartAsync();
            await podman.ImportBusyboxImageAsync(Image);
            Assert.True(DockerEndpoint.TryParse(podman.Endpoint, null, null, out var endpoint, out var error), error);
            client = await DockerEngineClient.ConnectAsync(endpoint, CancellationToken.None);
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "baton.yaml"), Stack(stackName, token, podman.Endpoint));
            output.WriteLine($"seed {seed}; Podman up at {clock.Elapsed.TotalSeconds:0.0} s");

            // Kills until three landed while an apply ran: the first apply of each start from nothing is killed right
            // after its first container appears; the applies after a kill (recovery, then waiting for the replicas the
            // killed one left unconfirmed, or starting the missing ones) at a random moment. An apply that finished
            // before its kill must have succeeded; the stack is then destroyed so the next kill lands mid-create again.
            var midApply = 0;
            var fresh = true;
            for (var round = 0; midApply < 3; round++)
            {
                Assert.True(round < 12, $"only {midApply} of {round} kills landed while an apply ran");
                var before = (await StackContainersAsync(client, labels)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
                var started = clock.Elapsed;
                using var run = BatonProcess.Start(directory.FullName, "apply", ".", "--auto-approve", "--lock-timeout", "30s");
                string point;
                if (fresh)
                {
                    point = "the first container appeared";
                    var waited = Stopwatch.StartNew();
                    while (!run.HasExited && waited.Elapsed < KillWait)
                    {
                        var now = await StackContainersAsync(client, labels);
                        if (now.Any(c => !before.Contains(c.Id)))
                        {
                            point += $" (seen: {Describe(now)})";
                            break;
                        }

                        await Task.Delay(25);
                    }

                    Assert.True(run.HasExited || waited.Elapsed < KillWait, $"round {round}: no container appeared within {KillWait}");
                }
                else
                {
                    var delay = TimeSpan.FromMilliseconds(random.Next(300, 3000));
                    point = $"{delay.TotalMilliseconds:0} ms after start";
                    await Task.Delay(delay);
                }

                var exited = run.HasExited;
                var killAt = Stopwatch.StartNew();
                run.Kill();
                point += $", kill took {killAt.ElapsedMilliseconds} ms";
                var (code, _, stderr) = await run.WaitAsync(CommandTimeout);
                var containers = await StackContainersAsync(client, labels);

                // At no moment does an index have two containers: nothing is ever created twice.
                Assert.True(containers.GroupBy(c => c.Labels.GetValueOrDefault("baton.index")).All(g => g.Count() == 1), $"round {round}: an index has two containers: {Describe(containers)}");
                var recovered = stderr.Split('\n').Count(line => line.StartsWith("recovered:", StringComparison.Ordinal));
                output.WriteLine($"round {round} at {started.TotalSeconds:0.0} s: {(exited ? "finished before the kill" : "killed")} {point}, " +
                    $"{recovered} interrupted operations recovered; containers then: {Describe(containers)}");
                if (exited)
                {
                    Assert.True(code == 0, $"round {round}: the apply finished before its kill and failed (exit {code}): {stderr}");
                    var (restartExit, _, restartError) = await BatonProcess.RunAsync(directory.FullName, CommandTimeout, "destroy", ".", "--auto-approve", "--lock-timeout", "30s");
                    Assert.True(restartExit == 0, $"round {round}: the destroy to start again failed (exit {restartExit}): {restartError}");
                    fresh = true;
                }
                else
                {
                    midApply++;
                    fresh = false;
                }
            }

            var final = clock.Elapsed;
            var (exit, stdout, finalError) = await BatonProcess.RunAsync(directory.FullName, CommandTimeout, "apply", ".", "--auto-approve", "--lock-timeout", "30s");
            Assert.True(exit == 0, $"the final apply failed (exit {exit}):\n{stdout}\n{finalError}");
            output.WriteLine($"final apply took {(clock.Elapsed - final).TotalSeconds:0.0} s, recovered {finalError.Split('\n').Count(l => l.StartsWith("recovered:", StringComparison.Ordinal))}");

            // Exactly three containers, each index once, all running: none was created twice, none is left over.
            var live = await StackContainersAsync(client, labels);
            Assert.True(live.Count == Replicas, $"expected {Replicas} containers with the stack's label, found {Describe(live)}");
            Assert.Equal(["0", "1", "2"], live.Select(c => c.Labels["baton.index"]).Order(StringComparer.Ordinal));
            foreach (var container in live)
            {
                var details = await client.InspectContainerAsync(container.Id, CancellationToken.None);
                Assert.True(details is { State.Running: true }, $"container {container.Id[..12]} is {details?.State.Status ?? "gone"}");
            }

            // Every labelled object is one that baton's state records.
            var state = await StateAsync(directory.FullName);
            var web = Resource(state, "container.service");
            var inState = web["attributes"]!["replicas_state"]!.AsArray().Select(r => r!["container"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            Assert.True(inState.SetEquals(live.Select(c => c.Id)), $"state records containers {string.Join(", ", inState.Select(Short))}; the engine has {Describe(live)}");
            Assert.All(live, c => Assert.Equal(web["id"]!.GetValue<string>(), c.Labels["baton.service"]));
            Assert.All(web["attributes"]!["replicas_state"]!.AsArray(), r => Assert.True(r!["alive"]!.GetValue<bool>()));
            // Each replica is on the network with the volume mounted, and serves.
            var networkName = "ctcrash-" + token + "-net";
            var volumeName = "ctcrash-" + token + "-data";
            foreach (var container in live)
            {
                var inspect = JsonNode.Parse(await podman.GetAsync($"/containers/{container.Id}/json"))!;
                Assert.Contains(networkName, inspect["NetworkSettings"]!["Networks"]!.AsObject().Select(n => n.Key));
                Assert.Contains(inspect["Mounts"]!.AsArray(), m => m!["Name"]?.GetValue<string>() == volumeName && m["Destination"]!.GetValue<string>() == "/data");
            }

            // Each replica serves at once: an apply that a kill interrupted while it waited for a new replica to become
            // healthy left it unconfirmed, and the apply after it waited for it (or replaced it) before it finished.
            var endpoints = web["attributes"]!["endpoints"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
            Assert.Equal(Replicas, endpoints.Distinct(StringComparer.Ordinal).Count());
            Assert.All(web["attributes"]!["replicas_state"]!.AsArray(), r => Assert.False(r!["rollout"]!.GetValue<bool>(), $"replica {r["index"]} is still unconfirmed in state"));
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) })
            {
                foreach (var address in endpoints)
                {
                    Assert.Equal(PodmanServer.IndexHtml, await http.GetStringAsync(new Uri($"http://{address}/")));
                }
            }

            var networks = await client.ListNetworksAsync(labels, CancellationToken.None);
            Assert.Equal([Resource(state, "container.network")["id"]!.GetValue<string>()], networks.Select(n => n.Id));
            var volumes = await client.ListVolumesAsync(labels, CancellationToken.None);
            Assert.Equal([Resource(state, "container.volume")["id"]!.GetValue<string>()], volumes.Select(v => v.Name));

            // The state equals the stack: a second plan has nothing to do.
            var (planExit, planOut, planError) = await BatonProcess.RunAsync(directory.FullName, CommandTimeout, "plan", ".", "--detailed-exitcode");
            Assert.True(planExit == 0, $"the plan after recovery wants changes (exit {planExit}):\n{planOut}\n{planError}");

            // A destroy killed as soon as it has removed a container, then run again: nothing of the stack is left.
            var destroy = clock.Elapsed;
            using (var interrupted = BatonProcess.Start(directory.FullName, "destroy", ".", "--auto-approve", "--lock-timeout", "30s"))
            {
                var waited = Stopwatch.StartNew();
                while (!interrupted.HasExited && (await StackContainersAsync(client, labels)).Count == Replicas && waited.Elapsed < KillWait)
                {
                    await Task.Delay(25);
                }

                var exited = interrupted.HasExited;
                interrupted.Kill();
                var (code, _, stderr) = await interrupted.WaitAsync(CommandTimeout);
                Assert.True(!exited || code == 0, $"the destroy finished before its kill and failed (exit {code}): {stderr}");
                output.WriteLine($"destroy {(exited ? "finished before its kill" : "killed")} after {waited.ElapsedMilliseconds} ms; left: " +
                    $"containers {Describe(await StackContainersAsync(client, labels))}, networks {(await client.ListNetworksAsync(labels, CancellationToken.None)).Count}, volumes {(await client.ListVolumesAsync(labels, CancellationToken.None)).Count}");
            }

            var (destroyExit, destroyOut, destroyError) = await BatonProcess.RunAsync(directory.FullName, CommandTimeout, "destroy", ".", "--auto-approve", "--lock-timeout", "30s");
            Assert.True(destroyExit == 0, $"destroy failed (exit {destroyExit}):\n{destroyOut}\n{destroyError}");
            output.WriteLine($"destroy took {(clock.Elapsed - destroy).TotalSeconds:0.0} s");
            Assert.Empty(await podman.ContainerIdsWithLabelAsync("baton.stack", stackName));
            Assert.Empty(await podman.NetworkNamesWithLabelAsync("baton.stack", stackName));
            Assert.Empty(await podman.VolumeNamesWithLabelAsync("baton.stack", stackName));
            output.WriteLine($"total {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            try
            {
                if (podman is not null)
                {
                    await podman.RemoveLabelledAsync("baton.stack", stackName);
                }
            }
            finally
            {
                client?.Dispose();
                if (podman is not null)
                {
                    await podman.DisposeAsync();
                }

                directory.Delete(recursive: true);
            }
        }
    }

    /// <summary>
    /// The stack: a network, a volume, and three busybox httpd replicas on both, health-checked; each replica sleeps
    /// before it serves, so the create waits seconds for them and the kills land while it does.
    /// </summary>
    private static string Stack(string stackName, string token, string endpoint) => $$"""
        stack: {{stackName}}
        description: Three container replicas on a network and a volume, for the kill-and-resume test

        providers:
          container:
            endpoint: {{endpoint}}
            roots: ["."]

        resources:
          net:
            type: container.network
            properties:
              name: ctcrash-{{token}}-net
          data:
            type: container.volume
            properties:
              name: ctcrash-{{token}}-data
          web:
            type: container.service
            properties:
              image: {{Image}}
              command: [sh, -c, "sleep 3 && exec httpd -f -p 8080 -h /www"]
              replicas: {{Replicas}}
              port: auto
              container_port: 8080
              init: true
              stop_timeout: 2s
              networks: ["${net.name}"]
              mounts:
                - { source: "${data.name}", target: /data }
              health: { http: /, interval: 200ms, timeout: 1s, start_period: 30s }
        """;

    private static async Task<IReadOnlyList<ContainerSummary>> StackContainersAsync(DockerEngineClient client, Dictionary<string, string> labels) =>
        await client.ListContainersAsync(labels, all: true, CancellationToken.None);

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static string Describe(IReadOnlyList<ContainerSummary> containers) => containers.Count == 0 ? "none" :
        string.Join(", ", containers.OrderBy(c => c.Labels.GetValueOrDefault("baton.index"), StringComparer.Ordinal)
            .Select(c => $"{Short(c.Id)} (index {c.Labels.GetValueOrDefault("baton.index")}, {c.State}, operation {c.Labels.GetValueOrDefault("baton.operation")})"));

    /// <summary>The state as <c>baton state export</c> writes it.</summary>
    private static async Task<JsonNode> StateAsync(string directory)
    {
        var (exit, stdout, stderr) = await BatonProcess.RunAsync(directory, CommandTimeout, "state", "export", ".");
        Assert.True(exit == 0, $"state export failed (exit {exit}): {stderr}");
        return JsonNode.Parse(stdout) ?? throw new InvalidOperationException("state export wrote no JSON");
    }

    private static JsonNode Resource(JsonNode state, string type) =>
        Assert.Single(state["resources"]!.AsArray(), r => r!["type"]!.GetValue<string>() == type)!;
}
