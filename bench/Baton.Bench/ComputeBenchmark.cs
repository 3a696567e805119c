using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Baton.Bench.Support;
using Baton.Diagnostics;
using Baton.Engine;
using Baton.Engine.Applying;
using Baton.Engine.Planning;
using Baton.Engine.Providers;
using Baton.Binding;
using Baton.Plans;
using Baton.Providers.Container;
using Baton.Providers.Process;
using Baton.Replicas;
using Baton.Spec;
using Baton.State;
using Baton.State.Sqlite;
using Baton.Text;
using Baton.Values;

namespace Baton.Bench;

/// <summary>
/// One replicated service, busybox <c>httpd</c> serving a file with an HTTP health check, run by both compute drivers
/// side by side through the whole engine in process (as <c>baton apply</c> composes it): <c>process.service</c> with
/// the host's busybox, <c>container.service</c> with the busybox image on a private Podman service. Each run times
/// apply from empty until every replica is healthy, a rolling update (an env var changes), the heal of a replica killed
/// outside Baton (plan with refresh + apply) and destroy; next to the same N replicas started and removed with no Baton
/// in between (the engine's API for containers, <c>Process.Start</c> for processes).
/// </summary>
internal sealed class ComputeBenchmark : IBenchmarkCommand
{
    private const string Image = "bt-busybox:1";
    private const string Address = "web";
    private const int StopTimeoutSeconds = 5;

    // The engine's field, not this command's Name (which CA1507 would otherwise suggest).
    private const string RestartPolicyName = "Name";
    private static readonly string[] Drivers = ["process", "container"];
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(2);
    private static readonly ProviderRegistry Registry = ProviderRegistry.FromAssemblies(
        [typeof(ProcessProviderFactory).Assembly, typeof(ContainerProviderFactory).Assembly]);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public string Name => "compute";

    public string Summary => "the same busybox httpd service by process.service and container.service, side by side: apply, rolling update, heal, destroy, and the raw engine (--replicas 3 --repeat 5 --warmup 1 --drivers process,container --health-interval 500ms --format text|markdown)";

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var replicas = arguments.Int("replicas", 3, 1);
        var repeat = arguments.Int("repeat", 5, 1);
        var warmup = arguments.Int("warmup", 1, 0);
        var driverList = arguments.Text("drivers", "process,container");
        var interval = arguments.Text("health-interval", "500ms");
        var format = arguments.Text("format", "text", "text", "markdown");
        arguments.RejectUnknown();

        var drivers = driverList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (drivers.Length == 0 || drivers.Any(d => Array.IndexOf(Drivers, d) < 0) || drivers.Distinct(StringComparer.Ordinal).Count() != drivers.Length)
        {
            throw new ArgumentException($"--drivers must list some of {string.Join(", ", Drivers)}, comma-separated, got '{driverList}'.");
        }

        if (!Durations.TryParse(interval, out var parsedInterval) || parsedInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--health-interval must be a duration such as 500ms, got '{interval}'.");
        }

        return RunAsync(drivers, replicas, repeat, warmup, interval, format, output).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string[] drivers, int replicas, int repeat, int warmup, string interval, string format, TextWriter output)
    {
        PodmanServer? podman = null;
        RawEngine? raw = null;
        try
        {
            var busybox = PodmanServer.BusyboxPath();
            if (drivers.Contains("container"))
            {
                podman = await PodmanServer.StartAsync();
                await podman.ImportBusyboxImageAsync(Image);
                raw = new RawEngine(podman.SocketPath);
            }

            var runs = drivers.ToDictionary(d => d, _ => new List<RunTimes>(), StringComparer.Ordinal);
            for (var i = 0; i < warmup + repeat; i++)
            {
                // Alternating the drivers (and each one's raw baseline right after it) keeps the shared machine's
                // ups and downs out of their ratios.
                foreach (var driver in drivers)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var workload = new Workload(driver, replicas, interval, busybox, podman?.Endpoint, raw);
                    var run = new RunTimes();
                    await BatonAsync(workload, run);
                    await (driver == "process" ? RawProcessesAsync(workload, run) : RawContainersAsync(workload, run));
                    if (format == "text")
                    {
                        output.WriteLine(string.Create(
                            CultureInfo.InvariantCulture,
                            $"{(i < warmup ? "warm-up" : "run")} {i - warmup + 1} {driver}: apply {run.Apply:F0}, no-op plan {run.NoOpPlan:F0}, update {run.Update:F0}, heal {run.Heal:F0} (plan {run.HealPlan:F0}), destroy {run.Destroy:F0}; raw start {run.RawStarted:F0}, serving {run.RawServing:F0}, remove {run.RawRemoved:F0} ms"));
                    }

                    if (i >= warmup)
                    {
                        runs[driver].Add(run);
                    }
                }
            }

            var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
            foreach (var driver in drivers)
            {
                var list = runs[driver];
                string Cell(Func<RunTimes, double> pick, string digits = "F0")
                {
                    var m = new Measurements();
                    foreach (var run in list)
                    {
                        m.Add(pick(run));
                    }

                    return m.Median.ToString(digits, CultureInfo.InvariantCulture) + " (" + m.Min.ToString(digits, CultureInfo.InvariantCulture) + "–" + m.Max.ToString(digits, CultureInfo.InvariantCulture) + ")";
                }

                if (format == "markdown")
                {
                    output.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"| {replicas} | {driver}.service | {list.Count} | {Cell(r => r.Apply)} | {Cell(r => r.NoOpPlan)} | {Cell(r => r.Update)} | {Cell(r => r.Heal)} | {Cell(r => r.HealPlan)} | {Cell(r => r.Destroy)} | {Cell(r => r.RawStarted)} | {Cell(r => r.RawServing)} | {Cell(r => r.RawRemoved)} | {Cell(r => r.Apply / r.RawServing, "F1")} | {Cell(r => r.Destroy / r.RawRemoved, "F1")} | {(driver == "container" ? $"{Cell(r => r.ApiVersion)} / {Cell(r => r.ApiList)} / {Cell(r => r.ApiInspect)}" : "–")} | {peakMb:F0} |"));
                    continue;
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compute: {driver}.service, {replicas} replicas, health interval {interval}, median (min–max) of {list.Count} run(s), ms"));
                output.WriteLine($"  apply from empty, all healthy  {Cell(r => r.Apply)}   (plan {Cell(r => r.ApplyPlan)})");
                output.WriteLine($"  no-op plan (refresh)           {Cell(r => r.NoOpPlan)}");
                output.WriteLine($"  rolling update (surge 1)       {Cell(r => r.Update)}");
                output.WriteLine($"  heal a killed replica          {Cell(r => r.Heal)}   (plan with refresh {Cell(r => r.HealPlan)})");
                output.WriteLine($"  destroy                        {Cell(r => r.Destroy)}");
                output.WriteLine($"  raw: start {replicas} one by one   {Cell(r => r.RawStarted)}   all serving {Cell(r => r.RawServing)}   stop+remove {Cell(r => r.RawRemoved)}");
                if (driver == "container")
                {
                    output.WriteLine($"  raw API round trips: version {Cell(r => r.ApiVersion)}, list by label {Cell(r => r.ApiList)}, inspect {Cell(r => r.ApiInspect)}");
                }

                output.WriteLine($"  apply ÷ raw serving {Cell(r => r.Apply / r.RawServing, "F2")}, destroy ÷ raw remove {Cell(r => r.Destroy / r.RawRemoved, "F2")}");
            }

            if (format == "text")
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak working set {peakMb:F0} MB (the whole benchmark process: the engine and providers of every driver)"));
            }

            return 0;
        }
        finally
        {
            raw?.Dispose();
            if (podman is not null)
            {
                await podman.DisposeAsync();
            }
        }
    }

    /// <summary>Apply, rolling update, heal and destroy of one service through the engine, each phase timed and checked.</summary>
    private static async Task BatonAsync(Workload workload, RunTimes run)
    {
        var directory = Path.Combine(Path.GetTempPath(), "baton-bench-compute-" + Guid.NewGuid().ToString("N")[..12]);
        var www = Path.Combine(directory, "www");
        Directory.CreateDirectory(Path.Combine(directory, ".baton"));
        Directory.CreateDirectory(www);
        await File.WriteAllTextAsync(Path.Combine(www, "index.html"), PodmanServer.IndexHtml);
        var stack = "bench-" + RandomNumberGenerator.GetHexString(8, lowercase: true);
        var key = RandomNumberGenerator.GetBytes(32);
        var destroyed = false;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "baton.yaml"), StackText(workload, stack, www, version: "1"));
            var applied = await PlanApplyAsync(directory, stack, key, destroy: false);
            (run.Apply, run.ApplyPlan) = (applied.TotalMs, applied.PlanMs);
            Expect(applied.Plan.Changes.Count(c => c.Action == ChangeAction.Create) == 1 && applied.Result?.Succeeded == true, "the first apply should create the service", applied);
            var first = await ExpectServingAsync(workload, applied.Attributes!, "after the first apply");

            // What every later plan pays before it can see drift: reading the service back (its replicas and a
            // health probe of each).
            var noop = await PlanApplyAsync(directory, stack, key, destroy: false, planOnly: true);
            run.NoOpPlan = noop.PlanMs;
            Expect(!noop.Plan.HasChanges, "the plan after the first apply should have nothing to do", noop);

            await File.WriteAllTextAsync(Path.Combine(directory, "baton.yaml"), StackText(workload, stack, www, version: "2"));
            var updated = await PlanApplyAsync(directory, stack, key, destroy: false);
            run.Update = updated.TotalMs;
            Expect(updated.Plan.Changes.Count(c => c.Action == ChangeAction.Update) == 1 && updated.Result?.Succeeded == true, "the env change should update the service in place", updated);
            var second = await ExpectServingAsync(workload, updated.Attributes!, "after the rolling update");
            Expect(!second.Select(r => r.Identity).Intersect(first.Select(r => r.Identity)).Any(), "the rolling update should replace every replica", updated);

            // Killed behind Baton's back; the kill itself is not timed, only what Baton does to notice and heal it.
            var victim = second[0];
            await KillOutsideAsync(workload, victim.Identity);
            var healed = await PlanApplyAsync(directory, stack, key, destroy: false);
            (run.Heal, run.HealPlan) = (healed.TotalMs, healed.PlanMs);
            Expect(healed.Plan.Changes.Count(c => c.Action == ChangeAction.Update) == 1 && healed.Result?.Succeeded == true, "the plan after the kill should update the service, and heal it", healed);
            var third = await ExpectServingAsync(workload, healed.Attributes!, "after the heal");
            Expect(third.All(r => r.Identity != victim.Identity) && third.Count(r => second.Any(s => s.Identity == r.Identity)) == workload.Replicas - 1, "the heal should replace the killed replica alone", healed);

            var gone = await PlanApplyAsync(directory, stack, key, destroy: true);
            run.Destroy = gone.TotalMs;
            Expect(gone.Plan.Changes.Count(c => c.Action == ChangeAction.Delete) == 1 && gone.Result?.Succeeded == true, "the destroy should delete the service", gone);
            destroyed = true;
            if (workload.Driver == "process")
            {
                Expect(third.All(r => !Signals.Alive(int.Parse(r.Identity, CultureInfo.InvariantCulture))), "no replica process should be left after the destroy", gone);
            }
            else
            {
                Expect((await workload.Raw!.IdsWithLabelAsync("baton.stack", stack, CancellationToken.None)).Count == 0, "no container should be left after the destroy", gone);
            }
        }
        finally
        {
            if (!destroyed)
            {
                try
                {
                    await PlanApplyAsync(directory, stack, key, destroy: true);
                }
                catch (Exception exception) when (exception is InvalidOperationException or IOException or HttpRequestException or OperationCanceledException)
                {
                    // The leftovers are ended below.
                }
            }

            EndProcessesNaming(directory);
            if (workload.Raw is { } engine)
            {
                foreach (var id in await engine.IdsWithLabelAsync("baton.stack", stack, CancellationToken.None))
                {
                    await engine.RemoveAsync(id, CancellationToken.None);
                }
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// One CLI-like invocation in process: load, bind, schema check, open the state store, lock, recover, plan (with
    /// refresh) and apply; timed from the load to the apply's end. Returns the service's attributes afterwards.
    /// </summary>
    private static async Task<Phase> PlanApplyAsync(string directory, string stack, byte[] key, bool destroy, bool planOnly = false)
    {
        using var timeout = new CancellationTokenSource(PhaseTimeout);
        var cancellationToken = timeout.Token;
        var diagnostics = new DiagnosticBag();
        var clock = Stopwatch.StartNew();
        var spec = StackLoader.Load(directory, directory, diagnostics) ?? throw Failed("load", diagnostics);
        var host = new StackFileHost(directory);
        var bound = StackBinder.Bind(spec, [], host, new BindOptions { RequireAllVariables = true }, diagnostics);
        ProviderSchemaChecker.Check(spec, Registry, diagnostics);
        if (diagnostics.HasErrors)
        {
            throw Failed("bind", diagnostics);
        }

        using var protector = new AesGcmSecretProtector(key);
        await using var stores = await SqliteStores.OpenAsync(Path.Combine(directory, ".baton", "state.db"), protector, TimeProvider.System, cancellationToken);
        await using var session = new StackSession(bound, directory, stores.State, stores.Locks, stores.Applies, Registry, host, TimeProvider.System);
        await using var holder = await session.LockAsync(destroy ? "destroy" : "apply", TimeSpan.FromSeconds(10), cancellationToken);
        await session.RecoverAsync(holder, cancellationToken);
        var (plan, state, _) = await session.PlanAsync(new PlanOptions { Destroy = destroy }, refresh: true, diagnostics, cancellationToken);
        if (diagnostics.HasErrors)
        {
            throw Failed("plan", diagnostics);
        }

        var planMs = clock.Elapsed.TotalMilliseconds;
        if (planOnly)
        {
            return new Phase(plan, null, planMs, planMs, null);
        }

        var result = await session.ApplyAsync(holder, plan, state, new ApplyOptions(), null, CancellationToken.None, CancellationToken.None);
        var totalMs = clock.Elapsed.TotalMilliseconds;
        var after = await stores.State.LoadAsync(stack, cancellationToken);
        return new Phase(plan, result, planMs, totalMs, after.Resources.TryGetValue(Address, out var resource) ? resource.Attributes : null);
    }

    /// <summary>Every replica alive and healthy as the apply reported it, and each answers its file on its port now.</summary>
    private static async Task<List<Replica>> ExpectServingAsync(Workload workload, Value attributes, string when)
    {
        var identity = workload.Driver == "process" ? "pid" : "container";
        var replicas = attributes.AsMap()["replicas_state"].AsList().Select(s => s.AsMap()).Select(s => new Replica(
            s[identity].Kind == ValueKind.Number ? s[identity].AsNumber().ToString(CultureInfo.InvariantCulture) : s[identity].AsString(),
            (int)s["port"].AsNumber(),
            s["alive"] == Value.True && s["healthy"] == Value.True)).ToList();
        if (replicas.Count != workload.Replicas || replicas.Any(r => !r.Ready))
        {
            throw new InvalidOperationException($"{workload.Driver}.service {when}: expected {workload.Replicas} alive and healthy replicas, got {attributes.AsMap()["replicas_state"]}");
        }

        foreach (var replica in replicas)
        {
            var body = await Http.GetStringAsync(new Uri($"http://127.0.0.1:{replica.Port}/index.html"));
            if (body != PodmanServer.IndexHtml)
            {
                throw new InvalidOperationException($"{workload.Driver}.service {when}: 127.0.0.1:{replica.Port} answered '{body}'");
            }
        }

        return replicas;
    }

    /// <summary>SIGKILL to a replica process, or the engine's kill of a container, then waits until it is down.</summary>
    private static async Task KillOutsideAsync(Workload workload, string identity)
    {
        var deadline = Stopwatch.StartNew();
        if (workload.Driver == "process")
        {
            var pid = int.Parse(identity, CultureInfo.InvariantCulture);
            if (!Signals.Send(pid, Signals.Kill))
            {
                throw new InvalidOperationException($"cannot kill replica process {pid}");
            }

            while (Signals.Alive(pid))
            {
                await Delay(deadline, $"replica process {pid} is still there after SIGKILL");
            }

            return;
        }

        await workload.Raw!.KillAsync(identity, CancellationToken.None);
        while (await workload.Raw.RunningAsync(identity, CancellationToken.None))
        {
            await Delay(deadline, $"container {identity} still runs after the engine's kill");
        }
    }

    /// <summary>N busybox httpd processes started one by one, until each serves its file; then SIGTERM to each and its exit.</summary>
    private static async Task RawProcessesAsync(Workload workload, RunTimes run)
    {
        var www = Path.Combine(Path.GetTempPath(), "baton-bench-raw-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(www);
        await File.WriteAllTextAsync(Path.Combine(www, "index.html"), PodmanServer.IndexHtml);
        var processes = new List<Process>();
        try
        {
            var ports = new List<int>();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < workload.Replicas; i++)
            {
                var port = LoopbackPorts.Free();
                var info = new ProcessStartInfo(workload.Busybox) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var argument in (string[])["httpd", "-f", "-p", $"127.0.0.1:{port}", "-h", www])
                {
                    info.ArgumentList.Add(argument);
                }

                var process = Process.Start(info) ?? throw new InvalidOperationException("busybox httpd did not start");
                processes.Add(process);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                ports.Add(port);
            }

            run.RawStarted = clock.Elapsed.TotalMilliseconds;
            await Task.WhenAll(ports.Select(WaitServingAsync));
            run.RawServing = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            foreach (var process in processes)
            {
                Signals.Send(process.Id, Signals.Term);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(StopTimeoutSeconds));
                await process.WaitForExitAsync(timeout.Token);
            }

            run.RawRemoved = clock.Elapsed.TotalMilliseconds;
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                }

                process.Dispose();
            }

            Directory.Delete(www, recursive: true);
        }
    }

    /// <summary>
    /// N containers of the busybox image created and started one by one through the engine's API, with what Baton's
    /// create body holds for them (command, env, init, loopback port binding, no restart policy), until each serves its
    /// file; then stopped and removed one by one.
    /// </summary>
    private static async Task RawContainersAsync(Workload workload, RunTimes run)
    {
        var engine = workload.Raw!;
        var token = RandomNumberGenerator.GetHexString(8, lowercase: true);
        var ids = new List<string>();
        try
        {
            var ports = new List<int>();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < workload.Replicas; i++)
            {
                var port = LoopbackPorts.Free();
                var body = new JsonObject
                {
                    ["Image"] = Image,
                    ["Cmd"] = new JsonArray("httpd", "-f", "-p", "8080", "-h", "/www"),
                    ["Env"] = new JsonArray("VERSION=1", "PORT=8080"),
                    ["Labels"] = new JsonObject { ["bench.raw"] = token },
                    ["StopSignal"] = "SIGTERM",
                    ["ExposedPorts"] = new JsonObject { ["8080/tcp"] = new JsonObject() },
                    ["HostConfig"] = new JsonObject
                    {
                        ["NetworkMode"] = "bridge",
                        ["RestartPolicy"] = new JsonObject { [RestartPolicyName] = "no" },
                        ["Init"] = true,
                        ["PortBindings"] = new JsonObject
                        {
                            ["8080/tcp"] = new JsonArray(new JsonObject { ["HostIp"] = "127.0.0.1", ["HostPort"] = port.ToString(CultureInfo.InvariantCulture) }),
                        },
                    },
                };
                var id = await engine.CreateAsync($"bench-raw-{token}-{i}", body, CancellationToken.None);
                ids.Add(id);
                await engine.StartAsync(id, CancellationToken.None);
                ports.Add(port);
            }

            run.RawStarted = clock.Elapsed.TotalMilliseconds;
            await Task.WhenAll(ports.Select(WaitServingAsync));
            run.RawServing = clock.Elapsed.TotalMilliseconds;

            // Single round trips of what a read of the service asks (not part of the timings above).
            clock.Restart();
            await engine.VersionAsync(CancellationToken.None);
            run.ApiVersion = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            await engine.IdsWithLabelAsync("bench.raw", token, CancellationToken.None);
            run.ApiList = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            await engine.InspectAsync(ids[0], CancellationToken.None);
            run.ApiInspect = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            foreach (var id in ids.ToList())
            {
                await engine.StopAsync(id, StopTimeoutSeconds, CancellationToken.None);
                await engine.RemoveAsync(id, CancellationToken.None);
                ids.Remove(id);
            }

            run.RawRemoved = clock.Elapsed.TotalMilliseconds;
        }
        finally
        {
            foreach (var id in ids.Concat(await engine.IdsWithLabelAsync("bench.raw", token, CancellationToken.None)).Distinct(StringComparer.Ordinal))
            {
                await engine.RemoveAsync(id, CancellationToken.None);
            }
        }
    }

    /// <summary>Polls 127.0.0.1:<paramref name="port"/> every 10 ms until it answers the file.</summary>
    private static async Task WaitServingAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await Http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/index.html")) == PodmanServer.IndexHtml)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or the port forwarder is not connected through yet.
            }

            await Delay(deadline, $"127.0.0.1:{port} did not serve within 30 s", TimeSpan.FromMilliseconds(10));
        }
    }

    private static async Task Delay(Stopwatch since, string failure, TimeSpan? step = null)
    {
        if (since.Elapsed > TimeSpan.FromSeconds(30))
        {
            throw new InvalidOperationException(failure);
        }

        await Task.Delay(step ?? TimeSpan.FromMilliseconds(20));
    }

    /// <summary>
    /// SIGKILL to every process whose command line names <paramref name="directory"/>: the replicas' wrappers (their
    /// log paths) and httpd (its -h). Normally nothing is left by then; this is for a run that failed half-way.
    /// </summary>
    private static void EndProcessesNaming(string directory)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(entry, "cmdline")).Contains(directory, StringComparison.Ordinal))
                {
                    Signals.Send(pid, Signals.Kill);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // It exited meanwhile.
            }
        }
    }

    /// <summary>The stack: one service <c>web</c> of <paramref name="workload"/>'s driver whose env VERSION is <paramref name="version"/>.</summary>
    private static string StackText(Workload workload, string stack, string www, string version)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"stack: {stack}\n");
        if (workload.Driver == "container")
        {
            text.Append(CultureInfo.InvariantCulture, $"providers:\n  container:\n    endpoint: \"{workload.Endpoint}\"\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"resources:\n  {Address}:\n    type: {workload.Driver}.service\n    properties:\n");
        if (workload.Driver == "process")
        {
            // The shell only passes PORT on and execs, so the replica's pid is httpd's.
            text.Append("      command: [sh, -c, 'exec \"$BUSYBOX\" httpd -f -p \"127.0.0.1:$PORT\" -h \"$WWW\"']\n");
            text.Append(CultureInfo.InvariantCulture, $"      env: {{ VERSION: \"{version}\", BUSYBOX: \"{workload.Busybox}\", WWW: \"{www}\" }}\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"      image: {Image}\n");
            text.Append("      command: [httpd, -f, -p, \"8080\", -h, /www]\n");
            text.Append(CultureInfo.InvariantCulture, $"      env: {{ VERSION: \"{version}\" }}\n");
            text.Append("      container_port: 8080\n      init: true\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"      replicas: {workload.Replicas}\n");
        text.Append("      port: auto\n");
        text.Append(CultureInfo.InvariantCulture, $"      stop_timeout: {StopTimeoutSeconds}s\n");
        text.Append(CultureInfo.InvariantCulture, $"      health: {{ http: /index.html, interval: {workload.Interval} }}\n");
        text.Append("      rollout: { max_surge: 1, max_unavailable: 0 }\n");
        return text.ToString();
    }

    private static void Expect(bool condition, string what, Phase phase)
    {
        if (!condition)
        {
            var error = phase.Result?.Operations.FirstOrDefault(o => o.Outcome != OperationOutcome.Succeeded).Error;
            throw new InvalidOperationException($"{what}: plan {string.Join(", ", phase.Plan.Changes.Select(c => $"{c.Action} {c.Address}"))}{(error is null ? "" : "; " + error)}");
        }
    }

    private static InvalidOperationException Failed(string what, DiagnosticBag diagnostics) =>
        new($"{what}: {diagnostics.FirstOrDefault(d => d.IsError)?.Message ?? "failed"}");

    private sealed record Workload(string Driver, int Replicas, string Interval, string Busybox, string? Endpoint, RawEngine? Raw);

    private sealed record Phase(Plan Plan, ApplyResult? Result, double PlanMs, double TotalMs, Value? Attributes);

    private sealed record Replica(string Identity, int Port, bool Ready);

    private sealed class RunTimes
    {
        public double Apply { get; set; }

        public double ApplyPlan { get; set; }

        public double NoOpPlan { get; set; }

        public double Update { get; set; }

        public double Heal { get; set; }

        public double HealPlan { get; set; }

        public double Destroy { get; set; }

        public double RawStarted { get; set; }

        public double RawServing { get; set; }

        public double RawRemoved { get; set; }

        public double ApiVersion { get; set; }

        public double ApiList { get; set; }

        public double ApiInspect { get; set; }
    }
}
