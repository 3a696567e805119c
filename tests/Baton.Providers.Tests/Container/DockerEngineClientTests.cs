using System.Text.Json.Nodes;
using Baton.Providers.Container.Engine;
using Baton.Providers.Tests.Conformance;

namespace Baton.Providers.Tests.Container;

[Collection(PodmanCollection.Name)]
public sealed class DockerEngineClientTests(PodmanServer podman) : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    private readonly string _name = "bt-" + Guid.NewGuid().ToString("N")[..8];
    private readonly CancellationTokenSource _timeout = new(CallTimeout);
    private DockerEngineClient? _client;

    private DockerEngineClient Client => _client!;

    private string ImageName => $"baton-test/{_name}:1";

    private CancellationToken Token => _timeout.Token;

    public async Task InitializeAsync()
    {
        _client = await DockerEngineClient.ConnectAsync(Endpoint(podman.Endpoint), Token);
        await podman.ImportBusyboxImageAsync(ImageName);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            using var cleanup = new CancellationTokenSource(CallTimeout);
            foreach (var container in await Client.ListContainersAsync(new Dictionary<string, string> { ["test"] = _name }, all: true, cleanup.Token))
            {
                await Client.RemoveContainerAsync(container.Id, force: true, removeVolumes: true, cleanup.Token);
            }

            await Client.RemoveImageAsync(ImageName, force: true, cleanup.Token);
            _client.Dispose();
        }
    }

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task ConnectAsync_Podman_NegotiatesItsApiVersionAndNamesItselfWhenAsked()
    {
        Assert.Equal(new Version(1, 41), Client.ApiVersion);
        var (name, version) = await Client.EngineAsync(CancellationToken.None);
        Assert.Contains("Podman", name, StringComparison.Ordinal);
        Assert.StartsWith("4.", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_SocketMissing_IsTransientAndNamesTheEndpoint()
    {
        var missing = Path.Combine(podman.Directory, "nothing-here.sock");

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => DockerEngineClient.ConnectAsync(Endpoint("unix://" + missing), Token));

        Assert.True(error.IsTransient);
        Assert.Null(error.StatusCode);
        Assert.StartsWith($"cannot reach the container engine at unix://{missing}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportImageAsync_BusyboxRootfs_IsInspectableByItsTag()
    {
        var tar = PodmanServer.MakeBusyboxRootfsTar(Path.Combine(podman.Directory, _name + ".tar"));
        try
        {
            await using var stream = System.IO.File.OpenRead(tar);
            var id = await Client.ImportImageAsync(stream, $"baton-test/{_name}-import", "2", new Dictionary<string, string> { ["baton.test"] = "yes" }, Token);

            var image = await Client.InspectImageAsync($"baton-test/{_name}-import:2", Token);
            Assert.NotNull(image);
            Assert.Equal(id, image.Id);
            Assert.StartsWith("sha256:", id, StringComparison.Ordinal);
            Assert.Contains($"docker.io/baton-test/{_name}-import:2", image.RepoTags);
            Assert.True(stream.CanRead, "the caller's stream stays open");

            await Client.RemoveImageAsync(id, force: false, Token);
            Assert.Null(await Client.InspectImageAsync(id, Token));
        }
        finally
        {
            System.IO.File.Delete(tar);
        }
    }

    [Fact]
    public async Task InspectImageAsync_Missing_IsNull() =>
        Assert.Null(await Client.InspectImageAsync("baton-test/never-made:1", Token));

    [Fact]
    public async Task RemoveImageAsync_Missing_Succeeds() =>
        await Client.RemoveImageAsync("baton-test/never-made:1", force: false, Token);

    [Fact]
    public async Task PullImageAsync_NoSuchImage_FailsPermanentlyWithTheEnginesMessage()
    {
        var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.PullImageAsync("registry.invalid/baton/never-made:1", Token));

        Assert.False(error.IsTransient);
        Assert.Contains("registry.invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContainerLifecycle_PublishedPortAndLabels_AnswersHttpFromTheHostUntilRemoved()
    {
        var port = LoopbackPort.Free();
        var id = await Client.CreateContainerAsync(_name + "-web", Httpd(port), Token);

        var created = await Client.InspectContainerAsync(id, Token);
        Assert.NotNull(created);
        Assert.Equal("created", created.State.Status);
        Assert.Equal(_name + "-web", created.Name);
        Assert.Equal(_name, created.Labels["test"]);
        Assert.Equal("web", created.Labels["role"]);
        Assert.Null(created.State.StartedAt);

        await Client.StartContainerAsync(id, Token);
        await Client.StartContainerAsync(id, Token);
        Assert.Equal(PodmanServer.IndexHtml, await GetFromHostAsync(port));
        var running = await Client.InspectContainerAsync(_name + "-web", Token);
        Assert.NotNull(running);
        Assert.Equal(id, running.Id);
        Assert.True(running.State.Running);
        Assert.Equal("running", running.State.Status);
        Assert.True(running.State.Pid > 0);
        Assert.NotNull(running.State.StartedAt);
        Assert.Equal([new PortBinding("127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture))], running.Ports["8080/tcp"]);
        Assert.StartsWith("sha256:", running.Image, StringComparison.Ordinal);

        await Client.StopContainerAsync(id, TimeSpan.FromSeconds(2), Token);
        await Client.StopContainerAsync(id, TimeSpan.FromSeconds(2), Token);
        var stopped = await Client.InspectContainerAsync(id, Token);
        Assert.NotNull(stopped);
        Assert.False(stopped.State.Running);
        Assert.Equal("exited", stopped.State.Status);
        Assert.NotNull(stopped.State.FinishedAt);
        await Assert.ThrowsAsync<HttpRequestException>(() => GetFromHostAsync(port, TimeSpan.FromMilliseconds(300)));

        await Client.RemoveContainerAsync(id, force: false, removeVolumes: true, Token);
        Assert.Null(await Client.InspectContainerAsync(id, Token));
        await Client.RemoveContainerAsync(id, force: false, removeVolumes: true, Token);
    }

    [Fact]
    public async Task CreateContainerAsync_NameTaken_Is409()
    {
        await Client.CreateContainerAsync(_name + "-one", Command("true"), Token);

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.CreateContainerAsync(_name + "-one", Command("true"), Token));

        Assert.Equal(409, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateContainerAsync_NoSuchImage_Is404()
    {
        var body = Command("true");
        body["Image"] = "baton-test/never-made:1";

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.CreateContainerAsync(_name + "-noimage", body, Token));

        Assert.Equal(404, error.StatusCode);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task StartContainerAsync_CommandNotInTheImage_FailsPermanently()
    {
        var id = await Client.CreateContainerAsync(_name + "-bad", Command("/no/such/program"), Token);

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.StartContainerAsync(id, Token));

        Assert.False(error.IsTransient);
        Assert.Contains("/no/such/program", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillContainerAsync_Running_EndsItWithTheSignal()
    {
        var id = await Client.CreateContainerAsync(_name + "-sleep", Command("sleep", "300"), Token);
        await Client.StartContainerAsync(id, Token);

        await Client.KillContainerAsync(id, "KILL", Token);

        var state = await WaitForStateAsync(id, "exited");
        Assert.Equal(137, state.ExitCode);
        var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.KillContainerAsync(id, "KILL", Token));
        Assert.Equal(409, error.StatusCode);
    }

    [Fact]
    public async Task RestartContainerAsync_Running_StartsItAgain()
    {
        var id = await Client.CreateContainerAsync(_name + "-restart", Command("sleep", "300"), Token);
        await Client.StartContainerAsync(id, Token);
        var before = (await Client.InspectContainerAsync(id, Token))!.State;

        await Client.RestartContainerAsync(id, TimeSpan.Zero, Token);

        var after = (await Client.InspectContainerAsync(id, Token))!.State;
        Assert.True(after.Running);
        Assert.NotEqual(before.Pid, after.Pid);
        Assert.True(after.StartedAt > before.StartedAt);
    }

    [Fact]
    public async Task ListContainersAsync_ByLabel_FindsExactlyTheLabelledContainers()
    {
        var running = await Client.CreateContainerAsync(_name + "-a", Command(["sleep", "300"], ("set", "a")), Token);
        await Client.StartContainerAsync(running, Token);
        var created = await Client.CreateContainerAsync(_name + "-b", Command(["sleep", "300"], ("set", "a")), Token);
        var other = await Client.CreateContainerAsync(_name + "-c", Command(["sleep", "300"], ("set", "b")), Token);

        var all = await Client.ListContainersAsync(new Dictionary<string, string> { ["test"] = _name, ["set"] = "a" }, all: true, Token);
        var onlyRunning = await Client.ListContainersAsync(new Dictionary<string, string> { ["test"] = _name, ["set"] = "a" }, all: false, Token);

        Assert.Equal(new[] { created, running }.Order(StringComparer.Ordinal), all.Select(c => c.Id).Order(StringComparer.Ordinal));
        var summary = Assert.Single(onlyRunning);
        Assert.Equal(running, summary.Id);
        Assert.Equal([_name + "-a"], summary.Names);
        Assert.Equal("running", summary.State);
        Assert.Equal("a", summary.Labels["set"]);
        Assert.Equal(
            new[] { running, created, other }.Order(StringComparer.Ordinal),
            (await podman.ContainerIdsWithLabelAsync("test", _name)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LogsAsync_StdoutAndStderr_ComeBackApart()
    {
        var id = await Client.CreateContainerAsync(_name + "-logs", Command("sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2"), Token);
        await Client.StartContainerAsync(id, Token);
        await WaitForStateAsync(id, "exited");

        var logs = await Client.LogsAsync(id, tailLines: null, maxBytes: 64 * 1024, Token);
        var tail = await Client.LogsAsync(id, tailLines: 1, maxBytes: 64 * 1024, Token);
        var small = await Client.LogsAsync(id, tailLines: null, maxBytes: 5, Token);

        Assert.Equal("out1\nout2\n", logs.Stdout);
        Assert.Equal("err1\nerr2\n", logs.Stderr);
        Assert.False(logs.StdoutTruncated || logs.StderrTruncated);
        // The tail counts the lines of both streams together, as the engine logged them.
        Assert.EndsWith("2\n", Assert.Single((tail.Stdout + tail.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries)) + "\n", StringComparison.Ordinal);
        Assert.Equal(("out2\n", true), (small.Stdout, small.StdoutTruncated));
        Assert.Equal(("err2\n", true), (small.Stderr, small.StderrTruncated));
    }

    [Fact]
    public async Task LogsAsync_TtyContainer_IsAllStdout()
    {
        var body = Command("sh", "-c", "echo out; echo err >&2");
        body["Tty"] = true;
        var id = await Client.CreateContainerAsync(_name + "-tty", body, Token);
        await Client.StartContainerAsync(id, Token);
        await WaitForStateAsync(id, "exited");

        var logs = await Client.LogsAsync(id, tailLines: null, maxBytes: 1024, Token);

        Assert.Contains("out", logs.Stdout, StringComparison.Ordinal);
        Assert.Contains("err", logs.Stdout, StringComparison.Ordinal);
        Assert.Equal("", logs.Stderr);
    }

    [Fact]
    public async Task LogsAsync_NoSuchContainer_Is404()
    {
        var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.LogsAsync(_name + "-none", 10, 1024, Token));

        Assert.Equal(404, error.StatusCode);
    }

    [Fact]
    public async Task ExecAsync_Command_ReturnsStdoutStderrAndTheExitCode()
    {
        var id = await Client.CreateContainerAsync(_name + "-exec", Command("sleep", "300"), Token);
        await Client.StartContainerAsync(id, Token);

        var result = await Client.ExecAsync(id, ["sh", "-c", "echo $GREETING; pwd; echo oops >&2; exit 3"], ["GREETING=hello"], "/www", TimeSpan.FromSeconds(30), 1024, Token);
        var truncated = await Client.ExecAsync(id, ["sh", "-c", "echo 0123456789; echo abcdefghij >&2"], [], null, TimeSpan.FromSeconds(30), 4, Token);
        var ok = await Client.ExecAsync(id, ["true"], [], null, TimeSpan.FromSeconds(30), 1024, Token);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("hello\n/www\n", result.Stdout);
        Assert.Equal("oops\n", result.Stderr);
        Assert.False(result.StdoutTruncated || result.StderrTruncated);
        Assert.Equal(("0123", true, "abcd", true), (truncated.Stdout, truncated.StdoutTruncated, truncated.Stderr, truncated.StderrTruncated));
        Assert.Equal(0, ok.ExitCode);
    }

    [Fact]
    public async Task ExecAsync_Timeout_FailsAndSaysTheCommandKeepsRunning()
    {
        var id = await Client.CreateContainerAsync(_name + "-slow", Command("sleep", "300"), Token);
        await Client.StartContainerAsync(id, Token);

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.ExecAsync(id, ["sleep", "30"], [], null, TimeSpan.FromSeconds(1), 1024, Token));

        Assert.False(error.IsTransient);
        Assert.Contains("did not finish within", error.Message, StringComparison.Ordinal);
        Assert.Contains("keeps running", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecAsync_ProgramNotInTheImage_Exits127WithTheRuntimesError()
    {
        var id = await Client.CreateContainerAsync(_name + "-noprog", Command("sleep", "300"), Token);
        await Client.StartContainerAsync(id, Token);

        var result = await Client.ExecAsync(id, ["/no/such/program"], [], null, TimeSpan.FromSeconds(10), 1024, Token);

        Assert.Equal(127, result.ExitCode);
        Assert.Contains("/no/such/program", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecAsync_StoppedContainer_FailsPermanently()
    {
        var id = await Client.CreateContainerAsync(_name + "-stopped", Command("true"), Token);

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.ExecAsync(id, ["true"], [], null, TimeSpan.FromSeconds(10), 1024, Token));

        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task BuildImageAsync_ContextWithDockerfile_BuildsTheTaggedImage()
    {
        using var context = new TempDirectory();
        System.IO.File.WriteAllText(Path.Combine(context.Path, "Dockerfile"), $"""
            FROM docker.io/{ImageName}
            ARG GREETING
            COPY site/ /www/
            RUN echo "building with $GREETING"
            CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
            """);
        Directory.CreateDirectory(Path.Combine(context.Path, "site"));
        System.IO.File.WriteAllText(Path.Combine(context.Path, "site", "index.html"), "built\n");
        using var tar = new MemoryStream();
        await DirectoryTar.WriteAsync(context.Path, tar, Token);
        tar.Position = 0;

        var built = await Client.BuildImageAsync(tar, "Dockerfile", $"baton-test/{_name}-built:1", new Dictionary<string, string> { ["test"] = _name }, new Dictionary<string, string> { ["GREETING"] = "hi" }, Token);
        try
        {
            var image = await Client.InspectImageAsync($"baton-test/{_name}-built:1", Token);
            Assert.NotNull(image);
            Assert.Equal(built.Id, image.Id);
            Assert.Equal(_name, image.Labels["test"]);
            Assert.Contains("building with hi", built.OutputTail);

            var port = LoopbackPort.Free();
            var body = Httpd(port);
            body["Image"] = $"baton-test/{_name}-built:1";
            body.Remove("Cmd");
            var id = await Client.CreateContainerAsync(_name + "-built", body, Token);
            await Client.StartContainerAsync(id, Token);
            Assert.Equal("built\n", await GetFromHostAsync(port));
            await Client.RemoveContainerAsync(id, force: true, removeVolumes: true, Token);
        }
        finally
        {
            await Client.RemoveImageAsync(built.Id, force: true, Token);
        }
    }

    [Fact]
    public async Task BuildImageAsync_FailingStep_FailsWithTheBuildsOwnOutput()
    {
        using var context = new TempDirectory();
        System.IO.File.WriteAllText(Path.Combine(context.Path, "Dockerfile"), $"""
            FROM docker.io/{ImageName}
            RUN echo "about to fail"; false
            """);
        using var tar = new MemoryStream();
        await DirectoryTar.WriteAsync(context.Path, tar, Token);
        tar.Position = 0;

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.BuildImageAsync(tar, "Dockerfile", $"baton-test/{_name}-bad:1", new Dictionary<string, string>(), new Dictionary<string, string>(), Token));

        Assert.False(error.IsTransient);
        Assert.Contains("RUN echo \"about to fail\"; false", error.Message, StringComparison.Ordinal);
        Assert.Contains("exit status 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("\nabout to fail", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildImageAsync_NotADockerfile_FailsWithTheParsersError()
    {
        using var context = new TempDirectory();
        System.IO.File.WriteAllText(Path.Combine(context.Path, "Containerfile.web"), "FRUM nothing\n");
        using var tar = new MemoryStream();
        await DirectoryTar.WriteAsync(context.Path, tar, Token);
        tar.Position = 0;

        var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.BuildImageAsync(tar, "Containerfile.web", $"baton-test/{_name}-bad:2", new Dictionary<string, string>(), new Dictionary<string, string>(), Token));

        Assert.False(error.IsTransient);
        Assert.Contains("FROM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Networks_CreateInspectListRemove()
    {
        var labels = new Dictionary<string, string> { ["test"] = _name };
        var interfaceName = "bt" + _name[3..9] + "n";
        var id = await Client.CreateNetworkAsync(new NetworkSpec
        {
            Name = _name + "-net",
            Internal = true,
            Labels = labels,
            Subnet = SubnetIn(podman.SubnetPool, 9),
            Gateway = SubnetIn(podman.SubnetPool, 9).Replace(".0/24", ".1", StringComparison.Ordinal),
            Options = new Dictionary<string, string> { ["com.docker.network.bridge.name"] = interfaceName },
        }, Token);
        var auto = await Client.CreateNetworkAsync(new NetworkSpec { Name = _name + "-auto", Options = new Dictionary<string, string> { ["com.docker.network.bridge.name"] = interfaceName[..^1] + "a" } }, Token);
        try
        {
            var network = await Client.InspectNetworkAsync(_name + "-net", Token);
            Assert.NotNull(network);
            Assert.Equal(id, network.Id);
            Assert.Equal("bridge", network.Driver);
            Assert.True(network.Internal);
            Assert.Equal(_name, network.Labels["test"]);
            Assert.Equal([new NetworkSubnet(SubnetIn(podman.SubnetPool, 9), SubnetIn(podman.SubnetPool, 9).Replace(".0/24", ".1", StringComparison.Ordinal))], network.Subnets);
            var automatic = Assert.Single((await Client.InspectNetworkAsync(auto, Token))!.Subnets);
            Assert.True(InPool(automatic.Subnet, podman.SubnetPool), $"{automatic.Subnet} is in the instance's pool {podman.SubnetPool}");

            var listed = Assert.Single(await Client.ListNetworksAsync(labels, Token));
            Assert.Equal(id, listed.Id);
            Assert.Equal([_name + "-net"], await podman.NetworkNamesWithLabelAsync("test", _name));

            var error = await Assert.ThrowsAsync<DockerEngineException>(() => Client.CreateNetworkAsync(new NetworkSpec { Name = _name + "-net" }, Token));
            Assert.Equal(409, error.StatusCode);
        }
        finally
        {
            await Client.RemoveNetworkAsync(id, Token);
            await Client.RemoveNetworkAsync(auto, Token);
        }

        Assert.Null(await Client.InspectNetworkAsync(id, Token));
        Assert.Empty(await Client.ListNetworksAsync(labels, Token));
        await Client.RemoveNetworkAsync(id, Token);
    }

    [Fact]
    public async Task Volumes_CreateInspectListRemove()
    {
        var labels = new Dictionary<string, string> { ["test"] = _name };

        var created = await Client.CreateVolumeAsync(_name + "-data", "local", labels, Token);
        var again = await Client.CreateVolumeAsync(_name + "-data", "local", labels, Token);
        var inspected = await Client.InspectVolumeAsync(_name + "-data", Token);
        var listed = await Client.ListVolumesAsync(labels, Token);
        var fromHarness = await podman.VolumeNamesWithLabelAsync("test", _name);
        await Client.RemoveVolumeAsync(_name + "-data", force: false, Token);

        Assert.Equal(_name + "-data", created.Name);
        Assert.Equal("local", created.Driver);
        Assert.Equal(_name, created.Labels["test"]);
        Assert.StartsWith(podman.Directory, created.Mountpoint, StringComparison.Ordinal);
        Assert.Equal((created.Name, created.Mountpoint, _name), (again.Name, again.Mountpoint, again.Labels["test"]));
        Assert.NotNull(inspected);
        Assert.Equal((created.Name, created.Driver, created.Mountpoint, _name), (inspected.Name, inspected.Driver, inspected.Mountpoint, inspected.Labels["test"]));
        Assert.Equal([created.Name], listed.Select(v => v.Name));
        Assert.Equal([created.Name], fromHarness);
        Assert.Null(await Client.InspectVolumeAsync(_name + "-data", Token));
        Assert.Empty(await Client.ListVolumesAsync(labels, Token));
        await Client.RemoveVolumeAsync(_name + "-data", force: false, Token);
    }

    private static DockerEndpoint Endpoint(string address) =>
        DockerEndpoint.TryParse(address, null, null, out var endpoint, out var error) ? endpoint : throw new InvalidOperationException(error);

    private JsonObject Command(params string[] argv) => Command(argv, []);

    private JsonObject Command(string[] argv, params (string Key, string Value)[] labels)
    {
        var all = new JsonObject { ["test"] = _name };
        foreach (var (key, value) in labels)
        {
            all[key] = value;
        }

        return new JsonObject
        {
            ["Image"] = ImageName,
            ["Cmd"] = new JsonArray([.. argv.Select(a => JsonValue.Create(a))]),
            ["Labels"] = all,
            ["HostConfig"] = new JsonObject(),
        };
    }

    private JsonObject Httpd(int hostPort)
    {
        var body = Command(["httpd", "-f", "-p", "8080", "-h", "/www"], ("role", "web"));
        body["ExposedPorts"] = new JsonObject { ["8080/tcp"] = new JsonObject() };
        body["HostConfig"] = new JsonObject
        {
            ["PortBindings"] = new JsonObject
            {
                ["8080/tcp"] = new JsonArray(new JsonObject { ["HostIp"] = "127.0.0.1", ["HostPort"] = hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            },
        };
        return body;
    }

    private async Task<ContainerState> WaitForStateAsync(string id, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var state = (await Client.InspectContainerAsync(id, Token))!.State;
            if (state.Status == status)
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the container stayed {state.Status}, never {status}");
            await Task.Delay(50, Token);
        }
    }

    /// <summary>GET / on the published port from the host, retried while the server inside starts.</summary>
    private static async Task<string> GetFromHostAsync(int port, TimeSpan? within = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
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

    /// <summary>The <paramref name="index"/>th /24 of a /20 pool such as 10.200.16.0/20.</summary>
    private static string SubnetIn(string pool, int index)
    {
        var parts = pool.Split('/')[0].Split('.');
        return $"{parts[0]}.{parts[1]}.{int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) + index}.0/24";
    }

    private static bool InPool(string subnet, string pool)
    {
        var third = int.Parse(subnet.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture);
        var poolParts = pool.Split('/')[0].Split('.');
        var poolThird = int.Parse(poolParts[2], System.Globalization.CultureInfo.InvariantCulture);
        return subnet.StartsWith(poolParts[0] + "." + poolParts[1] + ".", StringComparison.Ordinal) && third >= poolThird && third < poolThird + 16;
    }
}
