using System.Diagnostics;
using System.Text.Json.Nodes;
using Baton.Providers.Container.Engine;

namespace Baton.Providers.Tests.Container;

/// <summary>
/// The harness itself: instances side by side must not disturb each other (the collection's own instance runs too),
/// and disposing one must leave nothing of it on the machine.
/// </summary>
[Collection(PodmanCollection.Name)]
public sealed class PodmanServerTests
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StartAsync_TwoInstancesAtOnce_BothServePublishedPorts()
    {
        var starting = new[] { PodmanServer.StartAsync(), PodmanServer.StartAsync() };
        await using var first = await starting[0];
        await using var second = await starting[1];
        using var timeout = new CancellationTokenSource(CallTimeout);

        Assert.NotEqual(first.Subnet, second.Subnet);
        Assert.NotEqual(first.InterfaceName, second.InterfaceName);
        var ports = new[] { LoopbackPort.Free(), LoopbackPort.Free() };
        var servers = new[] { first, second };
        for (var i = 0; i < servers.Length; i++)
        {
            using var client = await ConnectAsync(servers[i], timeout.Token);
            await servers[i].ImportBusyboxImageAsync("baton-test/busybox:1");
            var id = await client.CreateContainerAsync("web", Httpd(ports[i]), timeout.Token);
            await client.StartContainerAsync(id, timeout.Token);
        }

        Assert.Equal(PodmanServer.IndexHtml, await GetFromHostAsync(ports[0]));
        Assert.Equal(PodmanServer.IndexHtml, await GetFromHostAsync(ports[1]));
    }

    [Fact]
    public async Task DisposeAsync_AfterContainersExecsNetworksAndVolumes_LeavesNothingBehind()
    {
        var podman = await PodmanServer.StartAsync();
        string directory = podman.Directory, bridge = podman.InterfaceName, subnet = podman.Subnet;
        var sandboxes = new List<string>();
        try
        {
            using var timeout = new CancellationTokenSource(CallTimeout);
            using var client = await ConnectAsync(podman, timeout.Token);
            await podman.ImportBusyboxImageAsync("baton-test/busybox:1");
            var network = await client.CreateNetworkAsync(new NetworkSpec
            {
                Name = "extra",
                Options = new Dictionary<string, string> { ["com.docker.network.bridge.name"] = bridge[..^1] + "x" },
            }, timeout.Token);
            await client.CreateVolumeAsync("data", "local", new Dictionary<string, string>(), timeout.Token);

            var web = await client.CreateContainerAsync("web", Httpd(LoopbackPort.Free()), timeout.Token);
            var onNetwork = Httpd(LoopbackPort.Free());
            onNetwork["HostConfig"]!["NetworkMode"] = "extra";
            onNetwork["HostConfig"]!["Binds"] = new JsonArray("data:/data");
            var other = await client.CreateContainerAsync("other", onNetwork, timeout.Token);
            foreach (var id in (string[])[web, other])
            {
                await client.StartContainerAsync(id, timeout.Token);
                var result = await client.ExecAsync(id, ["echo", "hi"], [], null, TimeSpan.FromSeconds(30), 1024, timeout.Token);
                Assert.Equal("hi\n", result.Stdout);
                sandboxes.Add(SandboxKey(await podman.GetAsync($"/containers/{id}/json")));
            }

            Assert.NotEmpty(ProcessesNaming(directory));
            Assert.True(Directory.Exists("/sys/class/net/" + bridge), "the default network's bridge is up while a container runs on it");
            Assert.NotNull(await client.InspectNetworkAsync(network, timeout.Token));
        }
        finally
        {
            await podman.DisposeAsync();
        }

        AssertNothingLeft(directory, [bridge, bridge[..^1] + "x"], subnet, sandboxes);
    }

    [Fact]
    public async Task StopAsync_ContainerRunning_OutlivesTheServiceWhichIsUnreachableUntilRestarted()
    {
        await using var podman = await PodmanServer.StartAsync();
        using var timeout = new CancellationTokenSource(CallTimeout);
        using var client = await ConnectAsync(podman, timeout.Token);
        await podman.ImportBusyboxImageAsync("baton-test/busybox:1");
        var port = LoopbackPort.Free();
        var id = await client.CreateContainerAsync("web", Httpd(port), timeout.Token);
        await client.StartContainerAsync(id, timeout.Token);

        await podman.StopAsync();

        Assert.Equal(PodmanServer.IndexHtml, await GetFromHostAsync(port));
        var error = await Assert.ThrowsAsync<DockerEngineException>(() => client.InspectContainerAsync(id, timeout.Token));
        Assert.True(error.IsTransient);
        Assert.StartsWith($"cannot reach the container engine at {podman.Endpoint}: ", error.Message, StringComparison.Ordinal);

        await podman.RestartAsync();

        Assert.True((await client.InspectContainerAsync(id, timeout.Token))!.State.Running);
    }

    [Fact]
    public async Task DisposeAsync_ServiceStoppedWithContainersRunning_StillRemovesEverything()
    {
        var podman = await PodmanServer.StartAsync();
        string directory = podman.Directory, bridge = podman.InterfaceName, subnet = podman.Subnet;
        var sandboxes = new List<string>();
        try
        {
            using var timeout = new CancellationTokenSource(CallTimeout);
            using var client = await ConnectAsync(podman, timeout.Token);
            await podman.ImportBusyboxImageAsync("baton-test/busybox:1");
            var id = await client.CreateContainerAsync("web", Httpd(LoopbackPort.Free()), timeout.Token);
            await client.StartContainerAsync(id, timeout.Token);
            await client.ExecAsync(id, ["true"], [], null, TimeSpan.FromSeconds(30), 1024, timeout.Token);
            sandboxes.Add(SandboxKey(await podman.GetAsync($"/containers/{id}/json")));

            await podman.StopAsync();
        }
        finally
        {
            await podman.DisposeAsync();
        }

        AssertNothingLeft(directory, [bridge], subnet, sandboxes);
    }

    /// <summary>No process, mount, file, bridge, network namespace or NAT rule of the instance is left.</summary>
    private static void AssertNothingLeft(string directory, IEnumerable<string> bridges, string subnet, IEnumerable<string> sandboxes)
    {
        Assert.Empty(ProcessesNaming(directory));
        Assert.DoesNotContain(System.IO.File.ReadLines("/proc/self/mounts"), line => line.Contains(directory, StringComparison.Ordinal));
        Assert.False(Directory.Exists(directory), $"{directory} is deleted");
        Assert.All(bridges, bridge => Assert.False(Directory.Exists("/sys/class/net/" + bridge), $"the bridge {bridge} is gone"));
        Assert.All(sandboxes, sandbox => Assert.False(System.IO.File.Exists(sandbox), $"the network namespace {sandbox} is gone"));
        Assert.DoesNotContain(subnet[..^4], Run("iptables", "-t", "nat", "-S"), StringComparison.Ordinal);
    }

    [Fact]
    public void MakeBusyboxRootfsTar_Path_WritesBusyboxItsCommandsAndTheSite()
    {
        var path = Path.Combine(Path.GetTempPath(), "baton-rootfs-" + Guid.NewGuid().ToString("N")[..8] + ".tar");
        try
        {
            PodmanServer.MakeBusyboxRootfsTar(path);

            using var reader = new System.Formats.Tar.TarReader(System.IO.File.OpenRead(path));
            var entries = new Dictionary<string, System.Formats.Tar.TarEntry>();
            while (reader.GetNextEntry() is { } entry)
            {
                entries[entry.Name] = entry;
            }

            Assert.Equal(System.Formats.Tar.TarEntryType.RegularFile, entries["bin/busybox"].EntryType);
            Assert.True(entries["bin/busybox"].Length > 100_000);
            Assert.All(PodmanServer.BusyboxCommands, command => Assert.Equal("busybox", entries["bin/" + command].LinkName));
            Assert.True(entries.ContainsKey("www/index.html"));
            Assert.True(entries.ContainsKey("tmp/"));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    private static async Task<DockerEngineClient> ConnectAsync(PodmanServer podman, CancellationToken cancellationToken) =>
        await DockerEngineClient.ConnectAsync(
            DockerEndpoint.TryParse(podman.Endpoint, null, null, out var endpoint, out var error) ? endpoint : throw new InvalidOperationException(error),
            cancellationToken);

    private static JsonObject Httpd(int hostPort) => new()
    {
        ["Image"] = "baton-test/busybox:1",
        ["Cmd"] = new JsonArray("httpd", "-f", "-p", "8080", "-h", "/www"),
        ["ExposedPorts"] = new JsonObject { ["8080/tcp"] = new JsonObject() },
        ["HostConfig"] = new JsonObject
        {
            ["PortBindings"] = new JsonObject
            {
                ["8080/tcp"] = new JsonArray(new JsonObject { ["HostIp"] = "127.0.0.1", ["HostPort"] = hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            },
        },
    };

    private static string SandboxKey(string inspect) =>
        JsonNode.Parse(inspect)?["NetworkSettings"]?["SandboxKey"]?.GetValue<string>() is { Length: > 0 } key
            ? key
            : throw new InvalidOperationException("the container has no network namespace: " + inspect);

    private static List<int> ProcessesNaming(string directory)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid) && pid != Environment.ProcessId)
            {
                try
                {
                    if (System.IO.File.ReadAllText(Path.Combine(entry, "cmdline")).Contains(directory, StringComparison.Ordinal))
                    {
                        found.Add(pid);
                    }
                }
                catch (IOException)
                {
                    // It exited meanwhile.
                }
            }
        }

        return found;
    }

    private static string Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    private static async Task<string> GetFromHostAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"));
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
