using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Baton.Diagnostics;
using Baton.Providers.Container.Engine;
using Baton.Replicas;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Container;

/// <summary>
/// The container family on one Docker Engine API endpoint. <c>container.service</c> is the shared
/// <see cref="ReplicaSet{TReplica}"/> over a <see cref="ContainerDriver"/>, so it behaves as <c>process.service</c>
/// does; images are in ContainerProvider.Images.cs, networks and volumes in ContainerProvider.Networks.cs, the
/// workflow actions in ContainerProvider.Actions.cs. Engine failures are provider errors (an unreachable engine is
/// transient and names the endpoint); nothing half-made is left: a container that did not start is removed.
/// </summary>
internal sealed partial class ContainerProvider : IProvider
{
    /// <summary>An input the container provider cannot use.</summary>
    public const string InvalidInputCode = "BT5801";

    /// <summary>A host path outside the provider's roots.</summary>
    public const string PathEscapeCode = "BT5802";

    private readonly EngineConnection _engine;
    private readonly PathConfinement _roots;
    private readonly string _stack;
    private readonly ContainerDriver _driver;
    private readonly ReplicaSet<ContainerReplica> _replicas;
    private readonly HttpClient _http = new();
    private readonly ServiceLocks _locks = new();

    public ContainerProvider(EngineConnection engine, PathConfinement roots, string stack, TimeProvider time)
    {
        _engine = engine;
        _roots = roots;
        _stack = stack;
        _driver = new ContainerDriver(engine, roots, stack, time);
        _replicas = new ReplicaSet<ContainerReplica>(_driver, new HealthProbe(_http), time);
    }

    public ProviderSchema Schema => ContainerSchema.Provider;

    /// <summary>Called after every step of a rolling update, with the update paused.</summary>
    internal Func<CancellationToken, Task>? RolloutStepObserver
    {
        get => _replicas.RolloutStepObserver;
        set => _replicas.RolloutStepObserver = value;
    }

    /// <summary>The id of the service a create with <paramref name="idempotencyKey"/> makes: found again after a crash by it.</summary>
    public static string ServiceIdFor(string idempotencyKey) =>
        "ctr-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..20];

    public ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ValidateResult(Check(request.Type, request.Address, request.Inputs)));

    public ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        var diagnostics = Check(request.Type, request.Address, request.Inputs);
        var plan = request.Type switch
        {
            ContainerSchema.ServiceType => ServicePlanning.Plan(ContainerSchema.Service, request, _driver.Settings(request.Inputs), ContainerServiceSpec.ReplacingInputs, ContainerDriver.IdentityFields),
            ContainerSchema.ImageType => PlanImage(request),
            ContainerSchema.NetworkType => ResourcePlanning.Plan(ContainerSchema.Network, request),
            ContainerSchema.VolumeType => ResourcePlanning.Plan(ContainerSchema.Volume, request),
            _ => new PlanResult { PlannedAttributes = Value.EmptyMap },
        };
        return ValueTask.FromResult(plan with { Diagnostics = diagnostics });
    }

    public async ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return request.Type switch
            {
                ContainerSchema.ServiceType => await CreateServiceAsync(request, cancellationToken),
                ContainerSchema.ImageType => await CreateImageAsync(request, cancellationToken),
                ContainerSchema.NetworkType => await CreateNetworkAsync(request, cancellationToken),
                ContainerSchema.VolumeType => await CreateVolumeAsync(request, cancellationToken),
                _ => ResourceResult.Failure(UnknownType(request.Type)),
            };
        }
        catch (DockerEngineException exception)
        {
            return ResourceResult.Failure(EngineConnection.ToError(request.Address, exception));
        }
    }

    public async ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return request.Type switch
            {
                ContainerSchema.ServiceType => await ReadServiceAsync(request, cancellationToken),
                ContainerSchema.ImageType => await ReadImageAsync(request, cancellationToken),
                ContainerSchema.NetworkType => await ReadNetworkAsync(request, cancellationToken),
                ContainerSchema.VolumeType => await ReadVolumeAsync(request, cancellationToken),
                _ => ReadResult.Failure(UnknownType(request.Type)),
            };
        }
        catch (DockerEngineException exception)
        {
            return ReadResult.Failure(EngineConnection.ToError(request.Address, exception));
        }
    }

    public async ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return request.Type switch
            {
                ContainerSchema.ServiceType => await UpdateServiceAsync(request, cancellationToken),
                ContainerSchema.ImageType => await UpdateImageAsync(request, cancellationToken),
                ContainerSchema.NetworkType or ContainerSchema.VolumeType =>
                    ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: a {request.Type} cannot change in place; every setting replaces it")),
                _ => ResourceResult.Failure(UnknownType(request.Type)),
            };
        }
        catch (DockerEngineException exception)
        {
            return ResourceResult.Failure(EngineConnection.ToError(request.Address, exception));
        }
    }

    public async ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return request.Type switch
            {
                ContainerSchema.ServiceType => await DeleteServiceAsync(request, cancellationToken),
                ContainerSchema.ImageType => await DeleteImageAsync(request, cancellationToken),
                ContainerSchema.NetworkType => await DeleteNetworkAsync(request, cancellationToken),
                ContainerSchema.VolumeType => await DeleteVolumeAsync(request, cancellationToken),
                _ => new DeleteResult(UnknownType(request.Type)),
            };
        }
        catch (DockerEngineException exception)
        {
            return new DeleteResult(EngineConnection.ToError(request.Address, exception));
        }
    }

    public ValueTask DisposeAsync()
    {
        // Containers keep running; only the provider's own resources go.
        _http.Dispose();
        _locks.Dispose();
        _engine.Dispose();
        return ValueTask.CompletedTask;
    }

    private static ProviderError UnknownType(string type) => ProviderError.Permanent($"the container provider has no resource type \"{type}\"");

    private ImmutableArray<Diagnostic> Check(string type, string address, Value inputs)
    {
        var errors = new List<string>();
        var pathErrors = new List<string>();
        switch (type)
        {
            case ContainerSchema.ServiceType:
                ContainerServiceSpec.Read(inputs, _roots, errors, pathErrors);
                break;
            case ContainerSchema.ImageType:
                ImageSpec.Read(inputs, _roots, errors, pathErrors);
                break;
            case ContainerSchema.NetworkType or ContainerSchema.VolumeType:
                CheckNamed(type, inputs, errors);
                break;
            default:
                errors.Add($"the container provider has no resource type \"{type}\"");
                break;
        }

        return
        [
            .. errors.Select(e => Diagnostic.Error(InvalidInputCode, e) with { Subject = address }),
            .. pathErrors.Select(e => Diagnostic.Error(PathEscapeCode, e, help: "add the directory to the provider's roots, or move the files inside one") with { Subject = address }),
        ];
    }

    private ContainerServiceSpec? Parse(string address, Value inputs, out ProviderError? error)
    {
        var errors = new List<string>();
        var spec = ContainerServiceSpec.Read(inputs, _roots, errors);
        error = errors.Count > 0 ? ProviderError.Permanent($"{address}: {string.Join("; ", errors)}") : null;
        return error is null ? spec : null;
    }

    private static Value NormalizeService(Value inputs) => ServicePlanning.Normalize(ContainerSchema.Service, inputs);

    private Task<Value> ServiceAttributesAsync(ServiceState<ContainerReplica> service, bool probe, CancellationToken cancellationToken) =>
        ServiceAttributesAsync(service, probe, unreadyAsRollout: false, cancellationToken);

    private Task<Value> ServiceAttributesAsync(ServiceState<ContainerReplica> service, bool probe, bool unreadyAsRollout, CancellationToken cancellationToken) =>
        _replicas.AttributesAsync(service, probe, r => r.Pid, ContainerDriver.Identity, unreadyAsRollout, cancellationToken);

    private static bool SameReplica(ContainerReplica replica, IReadOnlyDictionary<string, Value> state) =>
        state.TryGetValue("container", out var container) && container == Value.String(replica.ContainerId);

    private async ValueTask<ResourceResult> CreateServiceAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        var spec = Parse(request.Address, request.Inputs, out var parseError);
        if (spec is null)
        {
            return ResourceResult.Failure(parseError!);
        }

        var id = ServiceIdFor(request.IdempotencyKey);
        var inputs = NormalizeService(request.Inputs);
        using var gate = await _locks.AcquireAsync(id, cancellationToken);
        if (await _driver.LoadAsync(id, request.Address, inputs, cancellationToken) is { } existing)
        {
            // A retried create (or one after a crash) finds the containers it made, starts none twice, and finishes: the
            // ones it made count once they are ready, and the missing ones start.
            var (resumed, resumeError) = await _replicas.ResumeCreateAsync(existing with { Operation = request.IdempotencyKey }, cancellationToken);
            if (resumeError is not null)
            {
                var left = await _driver.LoadAsync(id, request.Address, inputs, cancellationToken) ?? existing;
                await _replicas.StopAllAsync(left, inputs, left.Replicas, cancellationToken);
                await _driver.SaveAsync(left with { Replicas = [] }, cancellationToken);
                return ResourceResult.Failure(resumeError);
            }

            return ResourceResult.Success(id, await ServiceAttributesAsync(resumed!, probe: false, cancellationToken));
        }

        if (await PrepareAsync(request.Address, spec, checkFixedPort: true, cancellationToken) is { } prepareError)
        {
            return ResourceResult.Failure(prepareError);
        }

        var service = new ServiceState<ContainerReplica> { Id = id, Address = request.Address, Inputs = inputs, Replicas = [], Operation = request.IdempotencyKey };
        var (started, error) = await _replicas.CreateAsync(service, cancellationToken);
        if (error is not null)
        {
            // Nothing is left of a failed create: what it started is stopped and removed.
            await _replicas.StopAllAsync(service, inputs, started, cancellationToken);
            await _driver.SaveAsync(service, cancellationToken);
            return ResourceResult.Failure(error);
        }

        return ResourceResult.Success(id, await ServiceAttributesAsync(service with { Replicas = started }, probe: false, cancellationToken));
    }

    private async ValueTask<ReadResult> ReadServiceAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        var id = request.Id ?? (request.IdempotencyKey is { } key ? ServiceIdFor(key) : null);
        if (id is null)
        {
            return ReadResult.Gone;
        }

        var inputs = request.Inputs is { Kind: ValueKind.Map } given ? NormalizeService(given) : null;
        if (await _driver.LoadAsync(id, request.Address, inputs ?? Value.EmptyMap, cancellationToken) is { } service)
        {
            if (inputs is null && await _driver.SpecOfAsync(id, cancellationToken) is { } origin)
            {
                service = (await _driver.LoadAsync(id, request.Address, origin.Inputs, cancellationToken))!;
            }

            // The read that recovers an interrupted create or update reports a container it did not see ready yet as
            // drift; every read keeps such a mark from the state until an update confirms it.
            service = UnconfirmedReplicas.KeepUnconfirmed(service, request.Attributes, SameReplica);
            return ReadResult.Found(id, await ServiceAttributesAsync(service, probe: true, unreadyAsRollout: request.Recovering, cancellationToken));
        }

        // A service of no replicas has no container to find: it exists as far as anything can tell.
        return inputs is not null && _driver.Settings(inputs).Replicas == 0
            ? ReadResult.Found(id, await ServiceAttributesAsync(new ServiceState<ContainerReplica> { Id = id, Address = request.Address, Inputs = inputs, Replicas = [] }, probe: false, cancellationToken))
            : ReadResult.Gone;
    }

    private async ValueTask<ResourceResult> UpdateServiceAsync(UpdateRequest request, CancellationToken cancellationToken)
    {
        var spec = Parse(request.Address, request.Inputs, out var parseError);
        if (spec is null)
        {
            return ResourceResult.Failure(parseError!);
        }

        using var gate = await _locks.AcquireAsync(request.Id, cancellationToken);
        var prior = NormalizeService(request.PriorInputs);

        // With every container gone (removed outside baton), the update starts them all again under the same id.
        var service = await _driver.LoadAsync(request.Id, request.Address, prior, cancellationToken)
            ?? new ServiceState<ContainerReplica> { Id = request.Id, Address = request.Address, Inputs = prior, Replicas = [] };
        service = UnconfirmedReplicas.KeepUnconfirmed(service, request.PriorAttributes, SameReplica);

        // Checked before anything stops, so a missing image leaves the old containers running.
        if (await PrepareAsync(request.Address, spec, checkFixedPort: false, cancellationToken) is { } prepareError)
        {
            return ResourceResult.Failure(prepareError);
        }

        var (updated, error) = await _replicas.UpdateAsync(service with { Operation = request.IdempotencyKey }, NormalizeService(request.Inputs), cancellationToken);
        return error is not null
            ? ResourceResult.Failure(error)
            : ResourceResult.Success(request.Id, await ServiceAttributesAsync(updated!, probe: false, cancellationToken));
    }

    private async ValueTask<DeleteResult> DeleteServiceAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        using var gate = await _locks.AcquireAsync(request.Id, cancellationToken);
        var inputs = request.Attributes is { Kind: ValueKind.Map } attributes ? attributes : Value.EmptyMap;
        if (await _driver.LoadAsync(request.Id, request.Address, inputs, cancellationToken) is { } service)
        {
            await _replicas.StopAllAsync(service, inputs, service.Replicas, cancellationToken);
            await _driver.SaveAsync(service with { Replicas = [] }, cancellationToken);
        }

        return DeleteResult.Success;
    }

    /// <summary>
    /// Checks what only the engine can tell, before anything starts: that the image exists, that the networks and named
    /// volumes exist, and for a create that a fixed port is free.
    /// </summary>
    private async Task<ProviderError?> PrepareAsync(string address, ContainerServiceSpec spec, bool checkFixedPort, CancellationToken cancellationToken)
    {
        if (spec.Settings.Replicas == 0)
        {
            return null;
        }

        var client = await _engine.GetAsync(cancellationToken);
        if (await client.InspectImageAsync(spec.Image, cancellationToken) is null)
        {
            return ProviderError.Permanent($"{address}: the image \"{spec.Image}\" does not exist on the engine at {_engine.Endpoint}; nothing was started (declare it as a container.image, which builds, imports or pulls it)");
        }

        foreach (var network in spec.Networks)
        {
            if (await client.InspectNetworkAsync(network, cancellationToken) is null)
            {
                return ProviderError.Permanent($"{address}: the network \"{network}\" does not exist on the engine; nothing was started (declare it as a container.network)");
            }
        }

        // An engine makes a missing named volume silently, without baton's labels, so nothing would ever remove it.
        foreach (var volume in spec.Mounts.Where(m => m.Type == "volume").Select(m => m.Source!).Distinct(StringComparer.Ordinal))
        {
            if (await client.InspectVolumeAsync(volume, cancellationToken) is null)
            {
                return ProviderError.Permanent($"{address}: the volume \"{volume}\" does not exist on the engine; nothing was started (declare it as a container.volume, or write ./{volume} for a directory of the stack)");
            }
        }

        if (checkFixedPort && spec.Settings.FixedPort is { } port && LoopbackPorts.InUse(port))
        {
            return ProviderError.Permanent($"{address}: port {port} is already in use on 127.0.0.1; nothing was started");
        }

        return null;
    }
}
