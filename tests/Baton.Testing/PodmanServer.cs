using System.Buffers.Binary;
using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Baton.Testing;

/// <summary>
/// A private Podman service for the container tests: <c>podman system service</c> on a unix socket in a fresh
/// temporary directory that holds its configuration, storage, run state, file locks (not the shared
/// <c>/dev/shm/libpod_lock</c>) and networks, so instances in parallel test projects never share state. Each instance
/// has its own default network (its own bridge, subnet, and /20 pool for networks created without a subnet), since
/// two instances on the default <c>podman0</c> bridge break each other's connectivity. What stays shared is Podman's
/// own: <c>/run/containers/networks</c> (IPAM and aardvark-dns state, keyed by network name) and the names
/// <c>podman1</c>, <c>podman2</c>, … it gives the bridges of networks created without
/// <c>com.docker.network.bridge.name</c>, so tests use unique network names and should name their bridges.
/// Dispose removes every container, network and volume through the API (restarting a stopped service first, since
/// only Podman tears down what its containers set up), stops the service, ends any process still naming the
/// directory and their descendants (conmon outlives the service), unmounts what is left under it and deletes it.
/// Self-contained (BCL only, no client under test) so every test project and the bench can use it. Use it as an xunit fixture,
/// or <c>await using var podman = await PodmanServer.StartAsync();</c>.
/// </summary>
public sealed class PodmanServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>The API version Podman 4.3's compatible API speaks, and this harness's requests use.</summary>
    public const string ApiVersion = "1.41";

    /// <summary>What <c>/www/index.html</c> of the busybox image holds.</summary>
    public const string IndexHtml = "hello from busybox\n";

    /// <summary>The commands the busybox image has in <c>/bin</c>, as links to busybox.</summary>
    public static readonly IReadOnlyList<string> BusyboxCommands =
        ["sh", "httpd", "sleep", "echo", "cat", "ls", "env", "wget", "kill", "true", "false", "mkdir", "test", "nc", "printf", "id", "pwd", "touch", "rm"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly string[] NetavarkLocations = ["/usr/lib/podman/netavark", "/usr/libexec/podman/netavark", "/usr/local/libexec/podman/netavark"];
    private static readonly string[] BusyboxLocations = ["/bin/busybox", "/usr/bin/busybox", "/usr/sbin/busybox", "/sbin/busybox"];
    private readonly List<string> _stderr = [];
    private System.Diagnostics.Process? _process;
    private string? _podman;
    private bool _answered;
    private HttpClient? _http;

    public PodmanServer()
    {
        var token = RandomNumberGenerator.GetHexString(8, lowercase: true);
        Directory = Path.Combine(Path.GetTempPath(), "baton-podman-" + token);
        NetworkName = "baton-" + token[..6];
        InterfaceName = "bt" + token[..6] + "0";
    }

    /// <summary>The temporary directory holding everything of this instance.</summary>
    public string Directory { get; }

    public string SocketPath => Path.Combine(Directory, "podman.sock");

    /// <summary>The engine address, <c>unix://…/podman.sock</c>.</summary>
    public string Endpoint => "unix://" + SocketPath;

    /// <summary>The name of this instance's default network, on which containers run unless they ask for another.</summary>
    public string NetworkName { get; }

    /// <summary>The default network's bridge interface (at most 15 characters).</summary>
    public string InterfaceName { get; }

    /// <summary>The default network's subnet, a /24 in 10.128.0.0/9 that nothing on the host routes.</summary>
    public string Subnet { get; private set; } = "";

    /// <summary>The /20 (holding <see cref="Subnet"/>) from which Podman gives /24s to networks created without a subnet.</summary>
    public string SubnetPool { get; private set; } = "";

    /// <summary>Starts a service; dispose it to stop it and remove everything it made.</summary>
    public static async Task<PodmanServer> StartAsync()
    {
        var server = new PodmanServer();
        try
        {
            await server.InitializeAsync();
            return server;
        }
        catch (Exception exception)
        {
            try
            {
                await server.DisposeAsync();
            }
            catch (InvalidOperationException cleanup)
            {
                throw new AggregateException(exception, cleanup);
            }

            throw;
        }
    }

    public async Task InitializeAsync()
    {
        var podman = RequireProgram("podman", "podman");
        RequireProgram("runc", "runc");
        RequireProgram("conmon", "conmon");
        if (!NetavarkLocations.Any(System.IO.File.Exists))
        {
            throw new InvalidOperationException($"netavark is not installed (none of {string.Join(", ", NetavarkLocations)}): the container tests need the Debian package netavark (test.sh installs it)");
        }

        // netavark runs iptables to set up a bridge network's NAT and published ports; without it every container on
        // a bridge fails to start with "netavark: No such file or directory".
        RequireProgram("iptables", "iptables");

        foreach (var child in (string[])["root", "runroot", "tmp", "networks", "buildtmp"])
        {
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, child));
        }

        (Subnet, SubnetPool) = ChooseSubnet();
        await System.IO.File.WriteAllTextAsync(Path.Combine(Directory, "containers.conf"), ContainersConf());
        await System.IO.File.WriteAllTextAsync(Path.Combine(Directory, "storage.conf"), StorageConf());
        await System.IO.File.WriteAllTextAsync(Path.Combine(Directory, "networks", NetworkName + ".json"), NetworkDefinition());

        _podman = podman;
        _http = CreateHttpClient(SocketPath);
        await StartServiceAsync();
    }

    /// <summary>
    /// Stops the service and keeps everything else, as an engine that goes down: containers go on running (conmon
    /// outlives the service, as with Docker's live restore) and the socket refuses connections until
    /// <see cref="RestartAsync"/>.
    /// </summary>
    public Task StopAsync() => StopServiceAsync();

    /// <summary>Starts the stopped service again on the same socket over the same state.</summary>
    public Task RestartAsync() => _process is null ? StartServiceAsync() : Task.CompletedTask;

    public async Task DisposeAsync()
    {
        var problems = new List<string>();
        if (_http is not null && _answered)
        {
            try
            {
                // A stopped or dead service is started again: only Podman itself tears down the networks, firewall
                // rules and mounts of the containers it made.
                if (_process is null || _process.HasExited)
                {
                    await StopServiceAsync();
                    await StartServiceAsync();
                }

                problems.AddRange(await RemoveEverythingAsync());
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException or InvalidOperationException)
            {
                problems.Add("removing the containers, networks and volumes through the API failed: " + exception.Message);
            }
        }

        await StopServiceAsync();
        EndLeftoverProcesses();
        problems.AddRange(UnmountAll());
        if (System.IO.Directory.Exists(Directory))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    System.IO.Directory.Delete(Directory, recursive: true);
                    break;
                }
                catch (IOException) when (attempt < 10)
                {
                    await Task.Delay(200);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    problems.Add($"cannot delete {Directory}: {exception.Message}");
                    break;
                }
            }
        }

        _http?.Dispose();
        _http = null;
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("the Podman test service did not clean up completely:\n" + string.Join('\n', problems));
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    /// <summary>
    /// GETs <paramref name="path"/> of the API (<c>/containers/json</c> — the <c>/v1.41</c> prefix is added) and
    /// returns the body; an answer other than 2xx throws with its status and body.
    /// </summary>
    public async Task<string> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri($"/v{ApiVersion}{path}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>
    /// POSTs to <paramref name="path"/> of the API with an empty body (<c>/containers/ID/kill</c>, to act on the engine
    /// behind baton's back) and returns the body; an answer other than 2xx throws with its status and body.
    /// </summary>
    public async Task<string> PostAsync(string path)
    {
        using var response = await Http.PostAsync(new Uri($"/v{ApiVersion}{path}", UriKind.Relative), content: null);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>The ids of all containers (running or not) carrying the label <paramref name="key"/>=<paramref name="value"/>.</summary>
    public async Task<IReadOnlyList<string>> ContainerIdsWithLabelAsync(string key, string value) =>
        Strings(await GetAsync($"/containers/json?all=true&filters={LabelFilter(key, value)}"), "Id");

    /// <summary>The names of the networks carrying the label <paramref name="key"/>=<paramref name="value"/>.</summary>
    public async Task<IReadOnlyList<string>> NetworkNamesWithLabelAsync(string key, string value) =>
        Strings(await GetAsync($"/networks?filters={LabelFilter(key, value)}"), "Name");

    /// <summary>The names of the volumes carrying the label <paramref name="key"/>=<paramref name="value"/>.</summary>
    public async Task<IReadOnlyList<string>> VolumeNamesWithLabelAsync(string key, string value) =>
        Strings(JsonNode.Parse(await GetAsync($"/volumes?filters={LabelFilter(key, value)}"))?["Volumes"]?.ToJsonString() ?? "[]", "Name");

    /// <summary>
    /// Imports the busybox root filesystem (<see cref="MakeBusyboxRootfsTar"/>) as the image
    /// <paramref name="reference"/> (<c>name:tag</c>) and returns its id. Podman stores it as
    /// <c>docker.io/library/name:tag</c> (<c>docker.io/name:tag</c> when the name has a slash), which is what a
    /// Dockerfile's <c>FROM</c> must say, since no registry is reachable. <c>httpd -f -p 8080 -h /www</c> serves
    /// <see cref="IndexHtml"/>.
    /// </summary>
    public async Task<string> ImportBusyboxImageAsync(string reference)
    {
        using var tar = new MemoryStream();
        WriteBusyboxRootfs(tar);
        tar.Position = 0;
        using var content = new StreamContent(tar);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
        var colon = reference.LastIndexOf(':');
        var repo = colon > reference.LastIndexOf('/') ? reference : reference + ":latest";
        using var response = await Http.PostAsync(new Uri($"/v{ApiVersion}/images/create?fromSrc=-&repo={Uri.EscapeDataString(repo)}", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || body.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"importing {repo} answered {(int)response.StatusCode}: {body}");
        }

        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (JsonNode.Parse(line)?["id"]?.GetValue<string>() is { } id && id.StartsWith("sha256:", StringComparison.Ordinal))
            {
                return id;
            }
        }

        throw new InvalidOperationException($"importing {repo} answered no image id: {body}");
    }

    /// <summary>
    /// Writes a root filesystem tar to <paramref name="path"/> and returns the path: <c>bin/busybox</c> (the static
    /// binary of Debian's busybox-static) with <see cref="BusyboxCommands"/> as links to it, <c>www/index.html</c>
    /// holding <see cref="IndexHtml"/>, and <c>tmp/</c>.
    /// </summary>
    public static string MakeBusyboxRootfsTar(string path)
    {
        using var file = System.IO.File.Create(path);
        WriteBusyboxRootfs(file);
        return path;
    }

    /// <summary>The static busybox binary the image is made of; a clear error naming the package when there is none.</summary>
    public static string BusyboxPath()
    {
        var candidates = BusyboxLocations.Concat(SearchPath("busybox") is { } onPath ? [onPath] : Array.Empty<string>());
        var found = candidates.FirstOrDefault(System.IO.File.Exists)
            ?? throw new InvalidOperationException("busybox is not installed: the container tests need the Debian package busybox-static (test.sh installs it)");
        return IsStaticElf(found)
            ? found
            : throw new InvalidOperationException($"{found} is dynamically linked, so it cannot run alone in an image: install the Debian package busybox-static (it replaces busybox)");
    }

    private async Task StartServiceAsync()
    {
        var info = new ProcessStartInfo(_podman!)
        {
            WorkingDirectory = Directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in (string[])["system", "service", "--time=0", "unix://" + SocketPath])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["CONTAINERS_CONF"] = Path.Combine(Directory, "containers.conf");
        info.Environment["CONTAINERS_STORAGE_CONF"] = Path.Combine(Directory, "storage.conf");
        // Builds and imports stage their input in TMPDIR, which Podman sets to image_copy_tmp_dir (/var/tmp otherwise,
        // where an import's api_load.tar can be left behind).
        info.Environment["TMPDIR"] = Path.Combine(Directory, "buildtmp");
        info.Environment.Remove("CONTAINER_HOST");
        info.Environment.Remove("DOCKER_HOST");

        _process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("podman did not start");
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.Close();
        await WaitUntilAnsweringAsync();
        _answered = true;
    }

    private HttpClient Http => _http ?? throw new InvalidOperationException("the Podman test service is not started");

    private static void WriteBusyboxRootfs(Stream destination)
    {
        var busybox = BusyboxPath();
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        void AddDirectory(string name, UnixFileMode mode) =>
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode, ModificationTime = time });
        void Regular(string name, Stream content) =>
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                ModificationTime = time,
                DataStream = content,
            });

        const UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        AddDirectory("bin/", Open);
        using (var binary = System.IO.File.OpenRead(busybox))
        {
            Regular("bin/busybox", binary);
        }

        foreach (var command in BusyboxCommands)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + command) { LinkName = "busybox", ModificationTime = time, Mode = Open });
        }

        AddDirectory("www/", Open);
        using (var index = new MemoryStream(Encoding.UTF8.GetBytes(IndexHtml)))
        {
            Regular("www/index.html", index);
        }

        AddDirectory("tmp/", Open | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit);
    }

    private string ContainersConf() => $"""
        [containers]
        default_ulimits = []
        log_driver = "k8s-file"

        [engine]
        runtime = "runc"
        cgroup_manager = "cgroupfs"
        events_logger = "file"
        lock_type = "file"
        image_copy_tmp_dir = {Toml(Path.Combine(Directory, "buildtmp"))}
        tmp_dir = {Toml(Path.Combine(Directory, "tmp"))}

        [network]
        network_backend = "netavark"
        network_config_dir = {Toml(Path.Combine(Directory, "networks"))}
        default_network = {Toml(NetworkName)}
        default_subnet_pools = [{"{"}"base" = {Toml(SubnetPool)}, "size" = 24{"}"}]

        """;

    private string StorageConf() => $"""
        [storage]
        driver = "overlay"
        graphroot = {Toml(Path.Combine(Directory, "root"))}
        runroot = {Toml(Path.Combine(Directory, "runroot"))}

        """;

    private string NetworkDefinition()
    {
        var prefix = Subnet[..Subnet.LastIndexOf('.')];
        return new JsonObject
        {
            ["name"] = NetworkName,
            ["id"] = RandomNumberGenerator.GetHexString(64, lowercase: true),
            ["driver"] = "bridge",
            ["network_interface"] = InterfaceName,
            ["created"] = "2026-01-01T00:00:00Z",
            ["subnets"] = new JsonArray(new JsonObject { ["subnet"] = Subnet, ["gateway"] = prefix + ".1" }),
            ["ipv6_enabled"] = false,
            ["internal"] = false,
            ["dns_enabled"] = false,
            ["ipam_options"] = new JsonObject { ["driver"] = "host-local" },
        }.ToJsonString();
    }

    private static string Toml(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// A random /20 in 10.128.0.0/9 that no host route overlaps and no other instance's network uses: its first /24
    /// is the default network, the whole /20 the pool for networks created without a subnet.
    /// </summary>
    private static (string Subnet, string Pool) ChooseSubnet()
    {
        var taken = HostRoutes().Concat(OtherInstancesSubnets()).ToList();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var second = RandomNumberGenerator.GetInt32(128, 256);
            var third = RandomNumberGenerator.GetInt32(0, 16) * 16;
            var block = (10u << 24) | ((uint)second << 16) | ((uint)third << 8);
            if (!taken.Any(route => Overlaps(route.Network, route.Prefix, block, 20)))
            {
                return ($"10.{second}.{third}.0/24", $"10.{second}.{third}.0/20");
            }
        }

        throw new InvalidOperationException("no free /20 in 10.128.0.0/9 for the Podman test network");
    }

    private static bool Overlaps(uint a, int aPrefix, uint b, int bPrefix)
    {
        var prefix = Math.Min(aPrefix, bPrefix);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return (a & mask) == (b & mask);
    }

    /// <summary>The host's IPv4 routes other than the default route, from /proc/net/route (addresses little-endian hex).</summary>
    private static IEnumerable<(uint Network, int Prefix)> HostRoutes()
    {
        foreach (var line in System.IO.File.ReadLines("/proc/net/route").Skip(1))
        {
            var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length > 7
                && uint.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination)
                && uint.TryParse(fields[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask)
                && mask != 0)
            {
                yield return (BinaryPrimitives.ReverseEndianness(destination), BitOperations(BinaryPrimitives.ReverseEndianness(mask)));
            }
        }
    }

    /// <summary>The subnets of other running instances' networks (their definitions in the other temporary directories).</summary>
    private static List<(uint Network, int Prefix)> OtherInstancesSubnets()
    {
        var result = new List<(uint Network, int Prefix)>();
        foreach (var definition in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), "baton-podman-*")
                     .SelectMany(directory => System.IO.Directory.Exists(Path.Combine(directory, "networks"))
                         ? System.IO.Directory.EnumerateFiles(Path.Combine(directory, "networks"), "*.json")
                         : []))
        {
            try
            {
                foreach (var subnet in JsonNode.Parse(System.IO.File.ReadAllText(definition))?["subnets"]?.AsArray() ?? [])
                {
                    var text = subnet?["subnet"]?.GetValue<string>() ?? "";
                    var slash = text.IndexOf('/', StringComparison.Ordinal);
                    if (slash > 0 && IPAddress.TryParse(text[..slash], out var address) && address.AddressFamily == AddressFamily.InterNetwork)
                    {
                        // A whole /20 around each, since each instance's pool is one.
                        result.Add((BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes()), 20));
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException)
            {
                // Another instance is writing or deleting it right now.
            }
        }

        return result;
    }

    private static int BitOperations(uint mask) => System.Numerics.BitOperations.PopCount(mask);

    private static string LabelFilter(string key, string value) =>
        Uri.EscapeDataString(new JsonObject { ["label"] = new JsonArray(JsonValue.Create(key + "=" + value)) }.ToJsonString());

    private static List<string> Strings(string json, string member) =>
        [.. (JsonNode.Parse(json)?.AsArray() ?? []).Select(item => item?[member]?.GetValue<string>()).OfType<string>()];

    /// <summary>A client of the engine's API on the unix socket at <paramref name="socketPath"/>, requests relative to <c>http://localhost/</c>.</summary>
    public static HttpClient CreateHttpClient(string socketPath) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = new Uri("http://localhost/"),
        Timeout = TimeSpan.FromSeconds(60),
    };

    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"podman system service exited with {_process.ExitCode} before answering: {Output()}");
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await Http.GetAsync(new Uri("/_ping", UriKind.Relative), timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"podman system service did not answer /_ping on {SocketPath} within {StartTimeout.TotalSeconds:0} s: {Output()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Removes every container (with its anonymous volumes), every network but the default one and every volume,
    /// going on past a failure; returns the failures.
    /// </summary>
    /// <summary>
    /// Removes every container (with its anonymous volumes), network and volume carrying the label
    /// <paramref name="key"/>=<paramref name="value"/> — what a test's stack made, whatever the test left — and
    /// returns what could not be removed.
    /// </summary>
    public Task<List<string>> RemoveLabelledAsync(string key, string value) => RemoveAsync("filters=" + LabelFilter(key, value));

    private Task<List<string>> RemoveEverythingAsync() => RemoveAsync(filter: null);

    private async Task<List<string>> RemoveAsync(string? filter)
    {
        var problems = new List<string>();
        var query = filter is null ? "" : "?" + filter;
        foreach (var id in Strings(await GetAsync("/containers/json?all=true" + (filter is null ? "" : "&" + filter)), "Id"))
        {
            await DeleteAsync($"/containers/{id}?force=true&v=true", problems);
        }

        // The compatible API lists the default network as "bridge", Docker's name for it.
        foreach (var name in Strings(await GetAsync("/networks" + query), "Name").Where(name => name != NetworkName && name != "bridge"))
        {
            await DeleteAsync($"/networks/{Uri.EscapeDataString(name)}", problems);
        }

        foreach (var name in Strings(JsonNode.Parse(await GetAsync("/volumes" + query))?["Volumes"]?.ToJsonString() ?? "[]", "Name"))
        {
            await DeleteAsync($"/volumes/{Uri.EscapeDataString(name)}?force=true", problems);
        }

        return problems;
    }

    private async Task DeleteAsync(string path, List<string> problems)
    {
        using var response = await Http.DeleteAsync(new Uri($"/v{ApiVersion}{path}", UriKind.Relative));
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            problems.Add($"DELETE {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>SIGTERM to the service (it shuts down cleanly), SIGKILL when it is still there after <see cref="StopTimeout"/>.</summary>
    private async Task StopServiceAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                using (var kill = System.Diagnostics.Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
                {
                    await kill!.WaitForExitAsync();
                }

                using var timeout = new CancellationTokenSource(StopTimeout);
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        catch (InvalidOperationException)
        {
            // It already exited.
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>
    /// Ends every process whose command line names this instance's directory — conmon (which outlives the service,
    /// and after an exec lingers with <c>--exit-delay</c>), runc, a service that did not stop — and all their
    /// descendants: a container's own processes (<c>httpd -f …</c>) name nothing of the directory, but conmon is
    /// their parent. No other process names it, so nothing else is touched. Normally there is nothing left by now;
    /// this is for a service that died before it could remove its containers.
    /// </summary>
    private void EndLeftoverProcesses()
    {
        var self = Environment.ProcessId;
        var parents = new Dictionary<int, int>();
        var targets = new HashSet<int>();
        foreach (var entry in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == self)
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "PID (COMMAND) STATE PPID …", COMMAND may hold spaces and parentheses.
                var stat = System.IO.File.ReadAllText(Path.Combine(entry, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (System.IO.File.ReadAllText(Path.Combine(entry, "cmdline")).Contains(Directory, StringComparison.Ordinal))
                {
                    targets.Add(pid);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                // It exited meanwhile.
            }
        }

        for (var added = true; added;)
        {
            added = false;
            foreach (var (pid, parent) in parents)
            {
                if (targets.Contains(parent) && targets.Add(pid))
                {
                    added = true;
                }
            }
        }

        var ended = new List<System.Diagnostics.Process>();
        foreach (var pid in targets)
        {
            try
            {
                var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                ended.Add(process);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // It exited meanwhile.
            }
        }

        foreach (var process in ended)
        {
            process.WaitForExit(TimeSpan.FromSeconds(5));
            process.Dispose();
        }
    }

    /// <summary>Unmounts everything mounted under the directory, deepest first (lazily when a plain unmount fails); returns what stayed.</summary>
    private List<string> UnmountAll()
    {
        var problems = new List<string>();
        foreach (var mountPoint in MountsUnder(Directory).OrderByDescending(path => path.Length))
        {
            if (Run("umount", mountPoint) != 0 && Run("umount", "-l", mountPoint) != 0)
            {
                problems.Add($"cannot unmount {mountPoint}");
            }
        }

        return problems;
    }

    private static List<string> MountsUnder(string directory) =>
        [.. System.IO.File.ReadLines("/proc/self/mounts")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 1)
            .Select(fields => UnescapeMountPath(fields[1]))
            .Where(path => path == directory || path.StartsWith(directory + "/", StringComparison.Ordinal))
            .Distinct()];

    /// <summary>/proc/self/mounts writes space, tab, newline and backslash as octal escapes.</summary>
    private static string UnescapeMountPath(string field)
    {
        var result = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                result.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }

        return result.ToString();
    }

    private static bool IsOctal(string text, int start) =>
        start + 3 <= text.Length && text.AsSpan(start, 3).IndexOfAnyExceptInRange('0', '7') < 0;

    private static int Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    private static string RequireProgram(string program, string package) =>
        SearchPath(program) ?? throw new InvalidOperationException($"{program} is not installed: the container tests need the Debian package {package} (test.sh installs it)");

    private static string? SearchPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin"])
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(System.IO.File.Exists);

    /// <summary>An ELF file without a PT_INTERP program header needs no dynamic loader.</summary>
    private static bool IsStaticElf(string path)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F' || bytes[4] != 2 || bytes[5] != 1)
        {
            return false;
        }

        var headerOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0x20));
        var headerSize = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x36));
        var headerCount = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x38));
        for (var i = 0; i < headerCount; i++)
        {
            var at = headerOffset + (i * headerSize);
            if (at + 4 > bytes.Length)
            {
                return false;
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at)) == 3)
            {
                return false;
            }
        }

        return true;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.Add(line);
            if (_stderr.Count > 50)
            {
                _stderr.RemoveAt(0);
            }
        }
    }

    private string Output()
    {
        lock (_stderr)
        {
            return string.Join('\n', _stderr);
        }
    }
}
