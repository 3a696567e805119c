using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>
/// <c>process.service</c>: replicas of a local command, started detached (see <see cref="ReplicaLauncher"/>) and
/// remembered in a registry (see <see cref="ServiceRegistry"/>) by pid and start time, so they are found again by a
/// later baton run and a reused pid is never mistaken for, or signalled as, a replica. Read reports each replica's
/// liveness, exit status and (when a check is configured) health; a dead replica is drift that the next update
/// restarts when the service's restart policy says so. Creating, scaling, rolling updates and restarts are the shared
/// <see cref="ReplicaSet{TReplica}"/> over a <see cref="ProcessDriver"/>. The workflow actions are in
/// ProcessProvider.Actions.cs.
/// </summary>
internal sealed partial class ProcessProvider : IProvider
{
    /// <summary>A resource type the process provider does not offer, or an input it cannot use.</summary>
    public const string InvalidInputCode = "BT5301";

    /// <summary>A command whose program is not on PATH.</summary>
    public const string CommandNotFoundCode = "BT5302";

    private readonly ServiceRegistry _registry;
    private readonly ProcessDriver _driver;
    private readonly ReplicaSet<ReplicaRecord> _replicas;
    private readonly HttpClient _http = new();
    private readonly ServiceLocks _locks = new();

    public ProcessProvider(string stackDirectory, string stateDirectory, TimeProvider time)
    {
        _registry = new ServiceRegistry(Path.Combine(stateDirectory, "process", "registry"));
        _driver = new ProcessDriver(stackDirectory, Path.Combine(stateDirectory, "process"), _registry, time);
        _replicas = new ReplicaSet<ReplicaRecord>(_driver, new HealthProbe(_http), time);
    }

    public ProviderSchema Schema => ProcessSchema.Provider;

    /// <summary>Called after every step of a rolling update (replicas started and healthy, or old ones stopped), with the update paused.</summary>
    internal Func<CancellationToken, Task>? RolloutStepObserver
    {
        get => _replicas.RolloutStepObserver;
        set => _replicas.RolloutStepObserver = value;
    }

    public ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ValidateResult(Check(request.Type, request.Address, request.Inputs)));

    public ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        var diagnostics = Check(request.Type, request.Address, request.Inputs);
        if (request.Type != ProcessSchema.ServiceType)
        {
            return ValueTask.FromResult(new PlanResult { PlannedAttributes = Value.EmptyMap, Diagnostics = diagnostics });
        }

        var settings = ServiceSpec.Read(request.Inputs, []).Settings;
        var plan = ServicePlanning.Plan(ProcessSchema.Service, request, settings, ProcessDriver.ReplacingInputs, ProcessDriver.IdentityFields);
        return ValueTask.FromResult(plan with { Diagnostics = diagnostics });
    }

    public async ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        var (spec, parseError) = Parse(request.Type, request.Address, request.Inputs);
        if (parseError is not null)
        {
            return ResourceResult.Failure(parseError);
        }

        var id = ServiceRegistry.IdFor(request.IdempotencyKey);
        using var gate = await _locks.AcquireAsync(id, cancellationToken);
        if (_registry.Find(id) is { } existing)
        {
            // A retried create (or one after a crash) finishes what it started: its replicas count once they are ready.
            var (resumed, resumeError) = await _replicas.ResumeCreateAsync(existing, cancellationToken);
            if (resumeError is not null)
            {
                var left = _registry.Find(id) ?? existing;
                await _replicas.StopAllAsync(left, left.Inputs, left.Replicas, cancellationToken);
                _registry.Remove(id);
                await _driver.ForgetExitFilesAsync(request.Address, left.Replicas, cancellationToken);
                return ResourceResult.Failure(resumeError);
            }

            return ResourceResult.Success(id, await AttributesAsync(resumed!, probe: false, cancellationToken));
        }

        if (Prepare(request.Address, spec!, checkFixedPort: true) is { } prepareError)
        {
            return ResourceResult.Failure(prepareError);
        }

        var record = new ServiceState<ReplicaRecord> { Id = id, Address = request.Address, Inputs = Normalize(request.Inputs), Replicas = [] };
        var (started, error) = await _replicas.CreateAsync(record, cancellationToken);
        if (error is not null)
        {
            await _replicas.StopAllAsync(record, record.Inputs, started, cancellationToken);
            _registry.Remove(id);
            await _driver.ForgetExitFilesAsync(request.Address, started, cancellationToken);
            return ResourceResult.Failure(error);
        }

        return ResourceResult.Success(id, await AttributesAsync(record with { Replicas = started }, probe: false, cancellationToken));
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

        // The read that recovers an interrupted create or update reports a replica it did not see ready yet as drift;
        // every read keeps such a mark from the state until an update confirms the replica.
        record = UnconfirmedReplicas.KeepUnconfirmed(record, request.Attributes, SameReplica);
        return ReadResult.Found(id, await AttributesAsync(record, probe: true, unreadyAsRollout: request.Recovering, cancellationToken));
    }

    public async ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken)
    {
        var (spec, parseError) = Parse(request.Type, request.Address, request.Inputs);
        if (parseError is not null)
        {
            return ResourceResult.Failure(parseError);
        }

        using var gate = await _locks.AcquireAsync(request.Id, cancellationToken);
        if (_registry.Find(request.Id) is not { } record)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: the service {request.Id} is gone; it must be created again"));
        }

        // Checked before anything stops, so a bad new command leaves the old replicas running.
        if (Prepare(request.Address, spec!, checkFixedPort: false) is { } prepareError)
        {
            return ResourceResult.Failure(prepareError);
        }

        record = UnconfirmedReplicas.KeepUnconfirmed(record, request.PriorAttributes, SameReplica);
        var (updated, error) = await _replicas.UpdateAsync(record, Normalize(request.Inputs), cancellationToken);
        if (error is not null)
        {
            return ResourceResult.Failure(error);
        }

        _driver.PruneExitFiles(updated!);
        return ResourceResult.Success(record.Id, await AttributesAsync(updated!, probe: false, cancellationToken));
    }

    public async ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        using var gate = await _locks.AcquireAsync(request.Id, cancellationToken);
        if (_registry.Find(request.Id) is not { } record)
        {
            return DeleteResult.Success;
        }

        await _replicas.StopAllAsync(record, record.Inputs, record.Replicas, cancellationToken);
        _registry.Remove(record.Id);
        await _driver.ForgetExitFilesAsync(record.Address, record.Replicas, cancellationToken);
        return DeleteResult.Success;
    }

    public ValueTask DisposeAsync()
    {
        // Replicas are detached and keep running; only the provider's own resources go.
        _http.Dispose();
        _locks.Dispose();
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

    private static Value Normalize(Value inputs) => ServicePlanning.Normalize(ProcessSchema.Service, inputs);

    private Task<Value> AttributesAsync(ServiceState<ReplicaRecord> record, bool probe, CancellationToken cancellationToken) =>
        AttributesAsync(record, probe, unreadyAsRollout: false, cancellationToken);

    private Task<Value> AttributesAsync(ServiceState<ReplicaRecord> record, bool probe, bool unreadyAsRollout, CancellationToken cancellationToken) =>
        _replicas.AttributesAsync(record, probe, r => r.Pid, ProcessDriver.Identity, unreadyAsRollout, cancellationToken);

    private static bool SameReplica(ReplicaRecord replica, IReadOnlyDictionary<string, Value> state) =>
        state.TryGetValue("pid", out var pid) && pid == Value.Number(replica.Pid)
        && state.TryGetValue("start_time", out var start) && start == Value.Number(replica.StartTicks);


    /// <summary>
    /// Checks what only the machine can tell, before anything starts or is recorded: the directory, the program and,
    /// for a create, a fixed port (on update the service's own replica may hold it).
    /// </summary>
    private ProviderError? Prepare(string address, ServiceSpec spec, bool checkFixedPort)
    {
        var workingDir = _driver.WorkingDirectory(spec);
        if (!Directory.Exists(workingDir))
        {
            return ProviderError.Permanent($"{address}: working_dir \"{workingDir}\" does not exist");
        }

        if (spec.Settings.Replicas > 0 && !ReplicaLauncher.CanRun(spec.Command[0], workingDir, spec.Env))
        {
            return ProviderError.Permanent($"{address}: command \"{spec.Command[0]}\" is not found (not a file, and not on PATH)");
        }

        if (checkFixedPort && spec.Settings.Replicas > 0 && spec.Settings.FixedPort is { } port && LoopbackPorts.InUse(port))
        {
            return ProviderError.Permanent($"{address}: port {port} is already in use on 127.0.0.1; nothing was started");
        }

        return null;
    }
}
