using System.Collections.Concurrent;
using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>
/// <c>process.service</c>: replicas of a local command, started detached (see <see cref="ReplicaLauncher"/>) and
/// remembered in a registry (see <see cref="ServiceRegistry"/>) by pid and start time, so they are found again by a
/// later baton run and a reused pid is never mistaken for, or signalled as, a replica. Read reports each replica's
/// liveness, exit status and (when a check is configured) health; a dead replica is drift that the next update
/// restarts when the service's restart policy says so. The workflow actions are in ProcessProvider.Actions.cs.
/// </summary>
internal sealed partial class ProcessProvider : IProvider
{
    /// <summary>A resource type the process provider does not offer, or an input it cannot use.</summary>
    public const string InvalidInputCode = "BT5301";

    /// <summary>A command whose program is not on PATH.</summary>
    public const string CommandNotFoundCode = "BT5302";

    /// <summary>Inputs whose change restarts every replica; a change of <c>replicas</c> alone only scales.</summary>
    private static readonly string[] ReplacingInputs = ["command", "env", "working_dir", "port"];

    private static readonly string[] ComputedOutputs = ["endpoints", "pids", "replicas_state"];

    private readonly string _stackDirectory;
    private readonly string _logDirectory;
    private readonly ServiceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly HttpClient _http = new();
    private readonly HealthProbe _probe;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public ProcessProvider(string stackDirectory, string stateDirectory, TimeProvider time)
    {
        _stackDirectory = stackDirectory;
        _logDirectory = Path.Combine(stateDirectory, "process");
        _registry = new ServiceRegistry(Path.Combine(stateDirectory, "process", "registry"));
        _time = time;
        _probe = new HealthProbe(_http);
    }

    public ProviderSchema Schema => ProcessSchema.Provider;

    /// <summary>Called after every step of a rolling update (replicas started and healthy, or old ones stopped), with the update paused.</summary>
    internal Func<CancellationToken, Task>? RolloutStepObserver { get; set; }

    public ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ValidateResult(Check(request.Type, request.Address, request.Inputs)));

    public ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        var diagnostics = Check(request.Type, request.Address, request.Inputs);
        if (request.Type != ProcessSchema.ServiceType)
        {
            return ValueTask.FromResult(new PlanResult { PlannedAttributes = Value.EmptyMap, Diagnostics = diagnostics });
        }

        var plan = ResourcePlanning.Plan(ProcessSchema.Service, request);
        if (request.PriorAttributes is not { Kind: ValueKind.Map } prior)
        {
            return ValueTask.FromResult(plan with { Diagnostics = diagnostics });
        }

        // An input change makes replicas_state unknown until apply; pids and endpoints too when replicas start or stop
        // (a change of command, env, working_dir, port or replicas, or an unfinished rollout), so a change of, say, the
        // restart policy alone does not ripple into a load balancer in front. A replica found gone that the restart
        // policy says to start again is drift: it is planned alive (known), which the state read (alive: false)
        // contradicts.
        var planned = plan.PlannedAttributes.AsMap();
        var priorMap = prior.AsMap();
        bool Differs(string name) => !planned[name].IsWhollyKnown || !priorMap.TryGetValue(name, out var before) || before != planned[name];
        var changed = ProcessSchema.Service.Attributes.Where(a => !a.Computed).Any(a => Differs(a.Name));
        var spec = ServiceSpec.Read(request.Inputs, []);
        var replaced = ReplacingInputs.Append("replicas").Any(Differs) || HasRolloutReplica(prior) || ReplicaCount(prior) != spec.Replicas;
        var restarts = NeedsRestart(prior, spec);

        // Fewer replicas than asked for with the same inputs (a rolling update that stopped after stopping one) is
        // drift too: the missing indexes are planned alive.
        var count = ReplicaCount(prior);
        var missing = !changed && count >= 0 && count < spec.Replicas
            ? Enumerable.Range(0, spec.Replicas).Where(i => !priorMap["replicas_state"].AsList().Any(st => st.Kind == ValueKind.Map && st.AsMap().TryGetValue("index", out var n) && n.Kind == ValueKind.Number && (int)n.AsNumber() == i)).ToList()
            : [];
        restarts |= missing.Count > 0;
        if (changed || restarts)
        {
            var builder = planned.ToBuilder();
            foreach (var name in ComputedOutputs)
            {
                builder[name] = !replaced && !restarts && name != "replicas_state" && priorMap.TryGetValue(name, out var kept)
                    ? kept
                    : Value.Unknown(ProcessSchema.Service.Attribute(name)!.Type);
            }

            if (!changed)
            {
                builder["replicas_state"] = Value.List(priorMap["replicas_state"].AsList().Select(state => Healed(state, spec))
                    .Concat(missing.Select(index => Value.Map(
                    [
                        new("index", Value.Number(index)),
                        new("pid", Value.Unknown(BatonType.Number)),
                        new("start_time", Value.Unknown(BatonType.Number)),
                        new("port", Value.Unknown(BatonType.Number)),
                        new("alive", Value.True),
                        new("healthy", Value.Unknown(BatonType.Any)),
                        new("rollout", Value.Unknown(BatonType.Any)),
                        new("exit_code", Value.Null),
                    ]))));
            }

            plan = plan with { PlannedAttributes = Value.Map(builder) };
        }

        return ValueTask.FromResult(plan with { Diagnostics = diagnostics });
    }

    public async ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        if (Parse(request.Type, request.Address, request.Inputs) is { Error: { } parseError })
        {
            return ResourceResult.Failure(parseError);
        }

        var spec = Parse(request.Type, request.Address, request.Inputs).Spec!;
        var id = ServiceRegistry.IdFor(request.IdempotencyKey);
        var gate = _locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_registry.Find(id) is { } existing)
            {
                return ResourceResult.Success(id, await AttributesAsync(existing, probe: false, cancellationToken));
            }

            if (Prepare(request.Address, spec, checkFixedPort: true) is { } prepareError)
            {
                return ResourceResult.Failure(prepareError);
            }

            var record = new ServiceRecord { Id = id, Address = request.Address, Inputs = Normalize(request.Inputs), Replicas = [] };
            _registry.Save(record);
            var (started, _, error) = await StartReplicasAsync(record, spec, Enumerable.Range(0, spec.Replicas), [], rollout: false, cancellationToken);
            if (error is not null)
            {
                await StopAllAsync(started, spec, cancellationToken);
                _registry.Remove(id);
                await ForgetExitFilesAsync(request.Address, started, cancellationToken);
                return ResourceResult.Failure(error);
            }

            return ResourceResult.Success(id, await AttributesAsync(record with { Replicas = started }, probe: false, cancellationToken));
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != ProcessSchema.ServiceType)
        {
            return ReadResult.Failure(ProviderError.Permanent($"the process provider has no resource type \"{request.Type}\""));
        }

        var id = request.Id ?? (request.IdempotencyKey is { } key ? ServiceRegistry.IdFor(key) : null);
        if (id is null || _registry.Find(id) is not { } record)
        {
            return ReadResult.Gone;
        }

        return ReadResult.Found(id, await AttributesAsync(record, probe: true, cancellationToken));
    }

    public async ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken)
    {
        var (spec, parseError) = Parse(request.Type, request.Address, request.Inputs);
        if (parseError is not null)
        {
            return ResourceResult.Failure(parseError);
        }

        var gate = _locks.GetOrAdd(request.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_registry.Find(request.Id) is not { } record)
            {
                return ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: the service {request.Id} is gone; it must be created again"));
            }

            // Checked before anything stops, so a bad new command leaves the old replicas running.
            if (Prepare(request.Address, spec!, checkFixedPort: false) is { } prepareError)
            {
                return ResourceResult.Failure(prepareError);
            }

            var inputs = Normalize(request.Inputs);
            var replace = !SameReplacingInputs(record.Inputs, inputs);
            if (replace || record.Replicas.Any(r => r.Rollout))
            {
                return await RollOutAsync(record, inputs, spec!, restart: null, cancellationToken);
            }

            var oldSpec = ServiceSpec.Read(record.Inputs, []);
            var keep = new List<ReplicaRecord>();
            var stop = new List<ReplicaRecord>();
            foreach (var replica in record.Replicas)
            {
                var restart = !replica.IsAlive && spec!.ShouldRestart(ExitCodeOf(record.Address, replica));
                (replace || replica.Index >= spec!.Replicas || restart ? stop : keep).Add(replica);
            }

            // Stop the highest indexes first, as a scale-down should.
            await StopAllAsync([.. stop.OrderByDescending(r => r.Index)], oldSpec, cancellationToken);
            record = record with { Inputs = inputs, Replicas = [.. keep] };
            _registry.Save(record);
            var missing = Enumerable.Range(0, spec!.Replicas).Where(i => keep.All(r => r.Index != i));
            var reusePorts = replace ? new Dictionary<int, int>() : stop.Where(r => r.Port is not null).ToDictionary(r => r.Index, r => r.Port!.Value);
            var (replicas, _, error) = await StartReplicasAsync(record, spec, missing, reusePorts, rollout: false, cancellationToken);
            if (error is not null)
            {
                return ResourceResult.Failure(error);
            }

            PruneExitFiles(record with { Replicas = replicas });
            return ResourceResult.Success(record.Id, await AttributesAsync(record with { Replicas = replicas }, probe: false, cancellationToken));
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(request.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_registry.Find(request.Id) is not { } record)
            {
                return DeleteResult.Success;
            }

            await StopAllAsync(record.Replicas, ServiceSpec.Read(record.Inputs, []), cancellationToken);
            _registry.Remove(record.Id);

            await ForgetExitFilesAsync(record.Address, record.Replicas, cancellationToken);
            return DeleteResult.Success;
        }
        finally
        {
            gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        // Replicas are detached and keep running; only the provider's own resources go.
        _http.Dispose();
        foreach (var gate in _locks.Values)
        {
            gate.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static ImmutableArray<Diagnostic> Check(string type, string address, Value inputs)
    {
        if (type != ProcessSchema.ServiceType)
        {
            return [Diagnostic.Error(InvalidInputCode, $"the process provider has no resource type \"{type}\"") with { Subject = address }];
        }

        var errors = new List<string>();
        var spec = ServiceSpec.Read(inputs, errors);
        var diagnostics = errors.Select(e => Diagnostic.Error(InvalidInputCode, e) with { Subject = address }).ToList();

        // A bare program name can be looked up now, unless env may change PATH. A path may be a file the stack makes.
        if (errors.Count == 0 && spec.Command is [var program, ..] && !program.Contains('/', StringComparison.Ordinal)
            && (!inputs.AsMap().TryGetValue("env", out var env) || env.IsWhollyKnown)
            && !ReplicaLauncher.CanRun(program, ".", spec.Env))
        {
            diagnostics.Add(Diagnostic.Error(
                CommandNotFoundCode,
                $"command \"{program}\" is not found on PATH",
                help: "install it, name it by its path, or set PATH in env") with { Subject = address });
        }

        return [.. diagnostics];
    }

    private static (ServiceSpec? Spec, ProviderError? Error) Parse(string type, string address, Value inputs)
    {
        if (type != ProcessSchema.ServiceType)
        {
            return (null, ProviderError.Permanent($"the process provider has no resource type \"{type}\""));
        }

        var errors = new List<string>();
        var spec = ServiceSpec.Read(inputs, errors);
        return errors.Count > 0 ? (null, ProviderError.Permanent($"{address}: {string.Join("; ", errors)}")) : (spec, null);
    }

    /// <summary>A replica's state as an update leaves it: one to restart is alive with a new pid, start time and port.</summary>
    private static Value Healed(Value state, ServiceSpec spec)
    {
        if (state.Kind != ValueKind.Map || !ShouldRestart(state, spec))
        {
            return state;
        }

        var builder = state.AsMap().ToBuilder();
        builder["alive"] = Value.True;
        builder["exit_code"] = Value.Null;
        foreach (var name in new[] { "pid", "start_time", "port", "healthy", "rollout" })
        {
            if (builder.TryGetValue(name, out var value))
            {
                builder[name] = Value.Unknown(name is "healthy" or "rollout" ? BatonType.Any : BatonType.Number);
            }
        }

        return Value.Map(builder);
    }

    private static int ReplicaCount(Value attributes) =>
        attributes.AsMap().TryGetValue("replicas_state", out var states) && states.Kind == ValueKind.List ? states.AsList().Length : -1;

    private static bool HasRolloutReplica(Value attributes) =>
        attributes.AsMap().TryGetValue("replicas_state", out var states) && states.Kind == ValueKind.List
        && states.AsList().Any(s => s.Kind == ValueKind.Map && s.AsMap().TryGetValue("rollout", out var rollout) && rollout == Value.True);

    private static bool ShouldRestart(Value state, ServiceSpec spec) =>
        state.Kind == ValueKind.Map && state.AsMap().TryGetValue("alive", out var alive) && alive == Value.False
        && spec.ShouldRestart(state.AsMap().TryGetValue("exit_code", out var code) && code.Kind == ValueKind.Number ? (int)code.AsNumber() : null);

    /// <summary>Whether a replica in <paramref name="attributes"/> is gone and the restart policy says to start it again: drift.</summary>
    private static bool NeedsRestart(Value attributes, ServiceSpec spec) =>
        attributes.AsMap().TryGetValue("replicas_state", out var states) && states.Kind == ValueKind.List
        && states.AsList().Any(s => ShouldRestart(s, spec));

    private static Value Normalize(Value inputs)
    {
        var planned = ResourcePlanning.Plan(ProcessSchema.Service, new PlanRequest { Type = ProcessSchema.ServiceType, Address = "", Inputs = inputs });
        var map = planned.PlannedAttributes.AsMap();
        return Value.Map(ProcessSchema.Service.Attributes.Where(a => !a.Computed).Select(a => new KeyValuePair<string, Value>(a.Name, map[a.Name])));
    }

    private string WorkingDirectory(ServiceSpec spec) => Path.GetFullPath(Path.Combine(_stackDirectory, spec.WorkingDir ?? "."));

    private string LogPath(string address, int index)
    {
        var safe = string.Concat(address.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        return Path.Combine(_logDirectory, safe, $"{index}.log");
    }

    /// <summary>
    /// Checks what only the machine can tell, before anything starts or is recorded: the directory, the program and,
    /// for a create, a fixed port (on update the service's own replica may hold it).
    /// </summary>
    private ProviderError? Prepare(string address, ServiceSpec spec, bool checkFixedPort)
    {
        var workingDir = WorkingDirectory(spec);
        if (!Directory.Exists(workingDir))
        {
            return ProviderError.Permanent($"{address}: working_dir \"{workingDir}\" does not exist");
        }

        if (spec.Replicas > 0 && !ReplicaLauncher.CanRun(spec.Command[0], workingDir, spec.Env))
        {
            return ProviderError.Permanent($"{address}: command \"{spec.Command[0]}\" is not found (not a file, and not on PATH)");
        }

        if (checkFixedPort && spec.Replicas > 0 && spec.FixedPort is { } port && ReplicaLauncher.PortInUse(port))
        {
            return ProviderError.Permanent($"{address}: port {port} is already in use on 127.0.0.1; nothing was started");
        }

        return null;
    }

    private static bool SameReplacingInputs(Value a, Value b) =>
        ReplacingInputs.All(name => (a.AsMap().TryGetValue(name, out var x) ? x : Value.Null) == (b.AsMap().TryGetValue(name, out var y) ? y : Value.Null));

    /// <summary>
    /// Replaces the replicas whose command, env, working_dir or port differ from <paramref name="inputs"/> step by step:
    /// at most <c>replicas + max_surge</c> run, at least <c>replicas - max_unavailable</c> serve (a new replica counts once
    /// it is healthy). The registry is saved after every step, so a crash mid-rollout leaves the replicas it knows of,
    /// marked with which inputs they run. A new replica that fails stops the rollout: it is stopped, the old replicas still
    /// running stay, and the mixed state is what Read reports (the old inputs, so the next plan shows the change again).
    /// A fixed port cannot be held twice, so with one the old replica stops before the new one starts; an auto port is
    /// taken over by the replacement when its predecessor has stopped first.
    /// </summary>
    /// <remarks>
    /// A <paramref name="restart"/> (the <c>process.restart</c> action) replaces every replica with the same inputs: one
    /// at a time (stop, start on the same port, wait until ready), or all at once for <see cref="RestartStrategy.All"/>.
    /// </remarks>
    private async Task<ResourceResult> RollOutAsync(ServiceRecord record, Value inputs, ServiceSpec spec, RestartStrategy? restart, CancellationToken cancellationToken, HashSet<int>? only = null)
    {
        var replicas = spec.Replicas;
        var maxSurge = restart is not null || spec.FixedPort is not null ? 0 : spec.MaxSurge;
        var maxUnavailable = restart switch
        {
            RestartStrategy.All => Math.Max(1, replicas),
            RestartStrategy.Rolling => 1,
            _ => spec.FixedPort is null ? spec.MaxUnavailable : Math.Max(1, spec.MaxUnavailable),
        };
        // A replacement takes over its predecessor's auto port once that one has stopped (a port still held gets a new
        // one, as with a surge). With max_surge 0 every replacement starts after its predecessor stops, so the endpoints
        // a load balancer in front knows stay the same through the whole rollout.
        var reusePorts = record.Replicas.Where(r => r.Port is not null).GroupBy(r => r.Index).ToDictionary(g => g.Key, g => g.First().Port!.Value);
        var oldSpec = ServiceSpec.Read(record.Inputs, []);

        // Replicas of an earlier, unfinished rollout to these same inputs are kept: the rollout resumes.
        var current = new List<ReplicaRecord>();
        var old = new List<ReplicaRecord>();
        foreach (var replica in record.Replicas.OrderBy(r => r.Rollout ? 0 : 1))
        {
            // A restart replaces every replica, or only those it names.
            var kept = restart is null || (only is not null && !only.Contains(replica.Index));
            var matches = kept && replica.IsAlive && replica.Index < replicas && SameReplacingInputs(record.InputsOf(replica), inputs)
                && current.All(c => c.Index != replica.Index);
            (matches ? current : old).Add(replica);
        }

        current = [.. current.Select(r => r with { Rollout = true })];
        old = [.. old.Select(r => r with { Rollout = false })];
        record = record with { RolloutInputs = inputs };
        ServiceRecord Snapshot() => record with { Replicas = Sorted(old.Concat(current)) };
        _registry.Save(Snapshot());

        while (true)
        {
            old.RemoveAll(r => !r.IsAlive);
            var missing = Enumerable.Range(0, replicas).Where(i => current.All(c => c.Index != i)).ToList();
            var serving = old.Count + current.Count;
            var stopCount = missing.Count == 0 ? old.Count : Math.Max(0, serving - (replicas - maxUnavailable));
            if (stopCount > 0)
            {
                // Surplus indexes first, then old replicas already replaced, then in index order (the order new ones start).
                var victims = old
                    .OrderBy(r => r.Index >= replicas ? 0 : current.Any(c => c.Index == r.Index) ? 1 : 2)
                    .ThenBy(r => r.Index)
                    .Take(stopCount)
                    .ToList();
                await StopAllAsync(victims, oldSpec, cancellationToken);
                old.RemoveAll(victims.Contains);
                _registry.Save(Snapshot());
                await ObserveStepAsync(cancellationToken);
            }

            if (missing.Count == 0)
            {
                break;
            }

            var startCount = Math.Min(missing.Count, replicas + maxSurge - (old.Count + current.Count));
            if (startCount <= 0)
            {
                if (stopCount > 0)
                {
                    continue;
                }

                return ResourceResult.Failure(ProviderError.Permanent($"{record.Address}: the rolling update cannot proceed with max_surge {maxSurge} and max_unavailable {maxUnavailable}"));
            }

            var before = Snapshot();
            // Indexes no old replica holds (new ones when scaling up, or those just stopped) start first, on their ports.
            var next = missing.OrderBy(i => old.Any(o => o.Index == i) ? 1 : 0).ThenBy(i => i).Take(startCount);
            var (all, failed, error) = await StartReplicasAsync(before, spec, next, reusePorts, rollout: true, cancellationToken);
            var started = all.Except(before.Replicas).ToList();
            current.AddRange(started.Where(r => !failed.Contains(r)));
            if (error is not null)
            {
                await StopAllAsync(failed, spec, cancellationToken);
                _registry.Save(Snapshot());
                return ResourceResult.Failure(error with { Message = $"{(restart is null ? "rolling update" : "restart")} stopped: {error.Message}" });
            }

            _registry.Save(Snapshot());
            await ObserveStepAsync(cancellationToken);
        }

        record = record with { Inputs = inputs, RolloutInputs = null, Replicas = Sorted(current.Select(r => r with { Rollout = false })) };
        _registry.Save(record);
        PruneExitFiles(record);
        return ResourceResult.Success(record.Id, await AttributesAsync(record, probe: false, cancellationToken));
    }

    private async Task ObserveStepAsync(CancellationToken cancellationToken)
    {
        if (RolloutStepObserver is { } observer)
        {
            await observer(cancellationToken);
        }
    }

    private async Task<(ImmutableArray<ReplicaRecord> Replicas, ImmutableArray<ReplicaRecord> Failed, ProviderError? Error)> StartReplicasAsync(
        ServiceRecord record, ServiceSpec spec, IEnumerable<int> indexes, Dictionary<int, int> reusePorts, bool rollout, CancellationToken cancellationToken)
    {
        var workingDir = WorkingDirectory(spec);
        var started = new List<ReplicaRecord>();
        var all = record.Replicas.ToList();

        // Where each new replica's output starts: the log is shared with the replica it replaces.
        var logStarts = new Dictionary<int, long>();
        foreach (var index in indexes)
        {
            int? port = spec.FixedPort ?? (spec.AutoPort ? (reusePorts.TryGetValue(index, out var old) && !ReplicaLauncher.PortInUse(old) ? old : ReplicaLauncher.FreePort()) : null);
            if (spec.FixedPort is { } fixedPort && ReplicaLauncher.PortInUse(fixedPort))
            {
                return (Sorted(all), [], ProviderError.Permanent($"{record.Address}: port {fixedPort} is already in use"));
            }

            var logPath = LogPath(record.Address, index);
            logStarts[index] = LogLength(logPath);
            var (replica, error) = await ReplicaLauncher.StartAsync(index, spec.Command, spec.Env, workingDir, port, logPath, cancellationToken);
            if (replica is null)
            {
                return (Sorted(all), [], ProviderError.Permanent($"{record.Address}: replica {index}: {error}\n{ReplicaLauncher.Tail(logPath, logStarts[index])}"));
            }

            started.Add(replica with { Rollout = rollout });
            all.Add(replica with { Rollout = rollout });

            // Remembered at once, so a crash from here on leaves no replica the registry does not know.
            _registry.Save(record with { Replicas = Sorted(all) });
        }

        var failures = await Task.WhenAll(started.Select(r => WaitReadyAsync(record.Address, r, spec, workingDir, logStarts[r.Index], cancellationToken)));
        var failure = failures.FirstOrDefault(f => f is not null);
        ImmutableArray<ReplicaRecord> failed = [.. started.Where((_, i) => failures[i] is not null)];
        return (Sorted(all), failed, failure is null ? null : ProviderError.Permanent(failure));
    }

    /// <summary>
    /// Waits until a new replica is healthy (its health check passes healthy_threshold times in a row) or, without a
    /// check, is still alive a moment after start. A replica that exits, or is not healthy within start_period plus
    /// timeout, fails with the last lines of its log.
    /// </summary>
    private async Task<string?> WaitReadyAsync(string address, ReplicaRecord replica, ServiceSpec spec, string workingDir, long logStart, CancellationToken cancellationToken)
    {
        var logPath = LogPath(address, replica.Index);
        string Failure(string what) => $"{address}: replica {replica.Index} (pid {replica.Pid}) {what}; last log lines:\n{ReplicaLauncher.Tail(logPath, logStart)}";
        if (spec.Health is not { } check)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
            if (replica.IsAlive)
            {
                return null;
            }

            // A one-shot command (restart: no or on-failure) that finished successfully has done its job.
            var code = ExitCodeOf(address, replica);
            return code == 0 && spec.Restart != ServiceSpec.RestartAlways ? null
                : Failure($"exited right after start{(code is { } c ? $" with status {c}" : "")}");
        }

        var deadline = _time.GetUtcNow() + check.StartPeriod + check.Timeout;
        var passes = 0;
        while (true)
        {
            if (!replica.IsAlive)
            {
                return Failure("exited before it became healthy");
            }

            passes = await _probe.CheckAsync(check, replica, workingDir, cancellationToken) ? passes + 1 : 0;
            if (passes >= check.HealthyThreshold)
            {
                return null;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                return Failure($"did not become healthy within {check.StartPeriod + check.Timeout}");
            }

            await Task.Delay(passes > 0 ? check.Interval : TimeSpan.FromMilliseconds(Math.Min(check.Interval.TotalMilliseconds, 200)), _time, cancellationToken);
        }
    }

    /// <summary>The exit status the wrapper recorded for <paramref name="replica"/>, or null (alive, or not known).</summary>
    private int? ExitCodeOf(string address, ReplicaRecord replica) =>
        replica.Launch is { } launch ? ReplicaLauncher.ExitCode(ReplicaLauncher.ExitPath(LogPath(address, replica.Index), launch)) : null;

    /// <summary>
    /// Removes the exit files of stopped replicas. Their wrappers write them just after the replicas are gone, so each
    /// is waited for (up to a second) first.
    /// </summary>
    private async Task ForgetExitFilesAsync(string address, IEnumerable<ReplicaRecord> replicas, CancellationToken cancellationToken)
    {
        var files = replicas.Where(r => r.Launch is not null).Select(r => ReplicaLauncher.ExitPath(LogPath(address, r.Index), r.Launch!)).ToList();
        var deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(1);
        while (files.Any(f => !File.Exists(f)) && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
        }

        foreach (var file in files)
        {
            File.Delete(file);
        }
    }

    /// <summary>Removes the exit files of replicas <paramref name="record"/> no longer holds (stopped or replaced).</summary>
    private void PruneExitFiles(ServiceRecord record)
    {
        var directory = Path.GetDirectoryName(LogPath(record.Address, 0))!;
        if (!Directory.Exists(directory))
        {
            return;
        }

        var kept = record.Replicas.Where(r => r.Launch is not null).Select(r => ReplicaLauncher.ExitPath(LogPath(record.Address, r.Index), r.Launch!)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.exit"))
        {
            if (!kept.Contains(file))
            {
                File.Delete(file);
            }
        }
    }

    private static long LogLength(string logPath) => File.Exists(logPath) ? new FileInfo(logPath).Length : 0;

    private async Task StopAllAsync(IReadOnlyCollection<ReplicaRecord> replicas, ServiceSpec spec, CancellationToken cancellationToken) =>
        await Task.WhenAll(replicas.Select(r => ReplicaLauncher.StopAsync(r, spec.StopSignal, spec.StopTimeout, _time, cancellationToken)));

    private async Task<Value> AttributesAsync(ServiceRecord record, bool probe, CancellationToken cancellationToken)
    {
        var specs = new Dictionary<bool, ServiceSpec>
        {
            [false] = ServiceSpec.Read(record.Inputs, []),
            [true] = ServiceSpec.Read(record.RolloutInputs ?? record.Inputs, []),
        };
        var states = await Task.WhenAll(record.Replicas.Select(async replica =>
        {
            var spec = specs[replica.Rollout];
            var workingDir = WorkingDirectory(spec);
            var alive = replica.IsAlive;
            var healthy = spec.Health is not { } check ? Value.Null
                : !alive ? Value.False
                : !probe || await _probe.CheckAsync(check, replica, workingDir, cancellationToken) ? Value.True
                : Value.False;
            return Value.Map(
            [
                new("index", Value.Number(replica.Index)),
                new("pid", Value.Number(replica.Pid)),
                new("start_time", Value.Number(replica.StartTicks)),
                new("port", replica.Port is { } port ? Value.Number(port) : Value.Null),
                new("alive", Value.Bool(alive)),
                new("healthy", healthy),
                new("rollout", Value.Bool(replica.Rollout)),
                new("exit_code", !alive && ExitCodeOf(record.Address, replica) is { } code ? Value.Number(code) : Value.Null),
            ]);
        }));
        var builder = record.Inputs.AsMap().ToBuilder();
        builder["id"] = Value.String(record.Id);
        builder["pids"] = Value.List(record.Replicas.Select(r => Value.Number(r.Pid)));
        builder["endpoints"] = Value.List(record.Replicas.Where(r => r.Port is not null).Select(r => Value.String($"127.0.0.1:{r.Port}")));
        builder["replicas_state"] = Value.List(states);
        return Value.Map(builder);
    }

    private static ImmutableArray<ReplicaRecord> Sorted(IEnumerable<ReplicaRecord> replicas) => [.. replicas.OrderBy(r => r.Index).ThenBy(r => r.Rollout)];
}
