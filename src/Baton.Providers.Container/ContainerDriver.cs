using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Baton.Providers.Container.Engine;
using Baton.Replicas;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Container;

/// <summary>
/// Runs replicas as containers for the shared <see cref="ReplicaSet{TReplica}"/>. The engine is the registry: every
/// container carries labels naming the stack, the resource, the operation that started it, the service's id, its
/// index and port, and the hash of the inputs it runs, so <see cref="LoadAsync"/> finds a service's containers again
/// after any crash — even one between the engine's create and baton's next step. Engine restart policies are off:
/// baton decides when a container that exited starts again (the restart policy, as for processes).
/// </summary>
internal sealed class ContainerDriver(EngineConnection engine, PathConfinement roots, string stack, TimeProvider time) : IReplicaDriver<ContainerReplica>
{
    /// <summary>The fields of a replica's state only containers have.</summary>
    public static readonly (string Name, BatonType Type)[] IdentityFields = [("container", BatonType.String), ("name", BatonType.String), ("pid", BatonType.Number)];

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public ContainerServiceSpec Spec(Value inputs) => ContainerServiceSpec.Read(inputs, roots, []);

    public ReplicaSettings Settings(Value inputs) => Spec(inputs).Settings;

    public bool Replaces(Value before, Value after) => ContainerServiceSpec.InputsHash(before) != ContainerServiceSpec.InputsHash(after);

    public bool Runs(ServiceState<ContainerReplica> service, ContainerReplica replica, Value inputs) =>
        replica.InputsHash == ContainerServiceSpec.InputsHash(inputs);

    /// <summary>
    /// The service <paramref name="id"/> as its containers say, with <paramref name="inputs"/> (the inputs the caller
    /// knows it by): a container running other inputs is marked as an unfinished rollout's. Null when it has none.
    /// </summary>
    public async Task<ServiceState<ContainerReplica>?> LoadAsync(string id, string address, Value inputs, CancellationToken cancellationToken)
    {
        var client = await engine.GetAsync(cancellationToken);
        var hash = ContainerServiceSpec.InputsHash(inputs);
        var replicas = new List<ContainerReplica>();
        foreach (var summary in await client.ListContainersAsync(new Dictionary<string, string> { [ContainerLabels.Service] = id }, all: true, cancellationToken))
        {
            if (await ReplicaOfAsync(client, summary.Id, cancellationToken) is { } replica)
            {
                replicas.Add(replica with { Rollout = replica.InputsHash != hash });
            }
        }

        return replicas.Count == 0 ? null : new ServiceState<ContainerReplica>
        {
            Id = id,
            Address = address,
            Inputs = inputs,
            Replicas = [.. replicas.OrderBy(r => r.Index).ThenBy(r => r.Rollout)],
        };
    }

    /// <summary>
    /// The inputs the service's containers were started with (their spec label) and its address, for actions that know
    /// only the id, and reads after a crash that know only the create's key; null when it has no container.
    /// </summary>
    public async Task<(Value Inputs, string Address)?> SpecOfAsync(string id, CancellationToken cancellationToken)
    {
        var client = await engine.GetAsync(cancellationToken);
        var containers = await client.ListContainersAsync(new Dictionary<string, string> { [ContainerLabels.Service] = id }, all: true, cancellationToken);
        var labelled = containers.Where(c => c.Labels.ContainsKey(ContainerLabels.Spec)).ToList();
        if (labelled.Count == 0)
        {
            return null;
        }

        // During an unfinished rollout two specs exist; the most common one is the service's (actions refuse then anyway).
        var chosen = labelled.GroupBy(c => c.Labels[ContainerLabels.Spec], StringComparer.Ordinal).OrderByDescending(g => g.Count()).First().First();
        return (ValueJson.Parse(chosen.Labels[ContainerLabels.Spec], ValueJsonOptions.Plain), chosen.Labels.TryGetValue(ContainerLabels.Resource, out var address) ? address : id);
    }

    public async ValueTask<ReplicaStatus> StatusAsync(ServiceState<ContainerReplica> service, ContainerReplica replica, CancellationToken cancellationToken)
    {
        var client = await engine.GetAsync(cancellationToken);
        var details = await client.InspectContainerAsync(replica.ContainerId, cancellationToken);
        return details switch
        {
            null => ReplicaStatus.Gone,
            { State.Running: true } => ReplicaStatus.Running,
            { State.Status: "created" } => ReplicaStatus.Gone,
            _ => new ReplicaStatus(false, details.State.ExitCode),
        };
    }

    public async ValueTask<ReplicaStart<ContainerReplica>> StartAsync(ServiceState<ContainerReplica> service, Value inputs, int index, int? port, CancellationToken cancellationToken)
    {
        var spec = Spec(inputs);
        var client = await engine.GetAsync(cancellationToken);
        var hash = ContainerServiceSpec.InputsHash(inputs);
        var labels = ContainerLabels.For(stack, service.Address, service.Operation ?? "");
        foreach (var (name, value) in spec.Labels)
        {
            labels[name] = value;
        }

        labels[ContainerLabels.Service] = service.Id;
        labels[ContainerLabels.Index] = index.ToString(CultureInfo.InvariantCulture);
        labels[ContainerLabels.InputsHash] = hash;
        labels[ContainerLabels.Spec] = ValueJson.ToJson(inputs, ValueJsonOptions.Plain);
        if (port is { } p)
        {
            labels[ContainerLabels.Port] = p.ToString(CultureInfo.InvariantCulture);
        }

        var containerName = NameFor(service.Address, index);
        string id;
        try
        {
            id = await client.CreateContainerAsync(containerName, CreateBody(spec, labels, port), cancellationToken);
        }
        catch (DockerEngineException exception)
        {
            return new ReplicaStart<ContainerReplica>(null, $"the engine refused to create the container: {exception.Message}");
        }

        try
        {
            foreach (var network in spec.Networks.Skip(1))
            {
                await client.ConnectNetworkAsync(network, id, cancellationToken);
            }

            await client.StartContainerAsync(id, cancellationToken);
        }
        catch (DockerEngineException exception)
        {
            // Nothing half-made is left behind: a container that did not start is removed.
            await RemoveQuietlyAsync(client, id, cancellationToken);
            var why = exception.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) && port is { } busy
                ? $"port {busy} is already in use on 127.0.0.1 ({exception.Message})"
                : exception.Message;
            return new ReplicaStart<ContainerReplica>(null, $"the container did not start: {why}");
        }

        var details = await client.InspectContainerAsync(id, cancellationToken);
        return new ReplicaStart<ContainerReplica>(new ContainerReplica(index, id, containerName, port, hash, details?.State.Pid ?? 0), null);
    }

    /// <summary>
    /// Sends the stop signal, waits up to the stop timeout, then kills, and removes the container (with its anonymous
    /// volumes; named volumes stay).
    /// </summary>
    public async Task StopAsync(ServiceState<ContainerReplica> service, Value inputs, ContainerReplica replica, CancellationToken cancellationToken)
    {
        var settings = Settings(inputs);
        var client = await engine.GetAsync(cancellationToken);
        if (await client.InspectContainerAsync(replica.ContainerId, cancellationToken) is { State.Running: true })
        {
            await KillQuietlyAsync(client, replica.ContainerId, StopSignals.NameOf(settings.StopSignal), cancellationToken);
            var deadline = time.GetUtcNow() + settings.StopTimeout;
            while (await client.InspectContainerAsync(replica.ContainerId, cancellationToken) is { State.Running: true })
            {
                if (time.GetUtcNow() >= deadline)
                {
                    await KillQuietlyAsync(client, replica.ContainerId, "SIGKILL", cancellationToken);
                    break;
                }

                await Task.Delay(PollInterval, time, cancellationToken);
            }
        }

        await RemoveQuietlyAsync(client, replica.ContainerId, cancellationToken);
    }

    /// <summary>
    /// The engine is the registry, so saving is forgetting: a container of the service that <paramref name="service"/>
    /// no longer holds (stopped, or one that exited and was replaced) is removed.
    /// </summary>
    public async Task SaveAsync(ServiceState<ContainerReplica> service, CancellationToken cancellationToken)
    {
        var client = await engine.GetAsync(cancellationToken);
        var kept = service.Replicas.Select(r => r.ContainerId).ToHashSet(StringComparer.Ordinal);
        foreach (var container in await client.ListContainersAsync(new Dictionary<string, string> { [ContainerLabels.Service] = service.Id }, all: true, cancellationToken))
        {
            if (!kept.Contains(container.Id))
            {
                await RemoveQuietlyAsync(client, container.Id, cancellationToken);
            }
        }
    }

    /// <summary>Runs the check's argv inside the container, with the application's port as <c>PORT</c>.</summary>
    public async Task<bool> ExecCheckAsync(HealthCheck check, ServiceState<ContainerReplica> service, Value inputs, ContainerReplica replica, CancellationToken cancellationToken)
    {
        var spec = Spec(inputs);
        var client = await engine.GetAsync(cancellationToken);
        IReadOnlyList<string> env = spec.AppPort(replica.Port) is { } appPort ? [$"PORT={appPort.ToString(CultureInfo.InvariantCulture)}"] : [];
        try
        {
            var result = await client.ExecAsync(replica.ContainerId, check.Exec, env, null, check.Timeout, 4096, cancellationToken);
            return result.ExitCode == 0;
        }
        catch (DockerEngineException)
        {
            return false;
        }
    }

    public int FreePort() => LoopbackPorts.Free();

    public bool PortInUse(int port) => LoopbackPorts.InUse(port);

    public string Describe(ContainerReplica replica) => $"container {replica.ShortId}";

    public async Task<string> LogTailAsync(ServiceState<ContainerReplica> service, ContainerReplica replica, long logMark, CancellationToken cancellationToken)
    {
        try
        {
            var client = await engine.GetAsync(cancellationToken);
            var logs = await client.LogsAsync(replica.ContainerId, 20, 64 * 1024, cancellationToken);
            return string.Join('\n', (logs.Stdout + logs.Stderr).TrimEnd('\n').Split('\n').TakeLast(20));
        }
        catch (DockerEngineException exception)
        {
            return $"(no log: {exception.Message})";
        }
    }

    /// <summary>The fields of a replica's state only containers have: its id, name and main process id.</summary>
    public static IEnumerable<KeyValuePair<string, Value>> Identity(ContainerReplica replica) =>
        [new("container", Value.String(replica.ContainerId)), new("name", Value.String(replica.Name)), new("pid", Value.Number(replica.Pid))];

    /// <summary>The create body of a container that runs <paramref name="spec"/> as one replica, published on <paramref name="port"/>.</summary>
    public static JsonObject CreateBody(ContainerServiceSpec spec, IReadOnlyDictionary<string, string> labels, int? port)
    {
        var env = spec.Env.Select(e => $"{e.Key}={e.Value}").ToList();
        if (spec.AppPort(port) is { } appPort)
        {
            env.Add($"PORT={appPort.ToString(CultureInfo.InvariantCulture)}");
        }

        var host = new JsonObject
        {
            ["NetworkMode"] = spec.NetworkMode == ContainerServiceSpec.Bridge && spec.Networks.Length > 0 ? spec.Networks[0] : spec.NetworkMode,
            ["RestartPolicy"] = new JsonObject { ["Name"] = "no" },
            ["Mounts"] = new JsonArray([.. spec.Mounts.Select(MountJson)]),
            ["Init"] = spec.Init,
        };
        var body = new JsonObject
        {
            ["Image"] = spec.Image,
            ["Env"] = new JsonArray([.. env.Select(e => JsonValue.Create(e))]),
            ["Labels"] = new JsonObject(labels.Select(l => new KeyValuePair<string, JsonNode?>(l.Key, l.Value))),
            ["StopSignal"] = StopSignals.NameOf(spec.Settings.StopSignal),
            ["HostConfig"] = host,
        };
        if (!spec.Command.IsDefaultOrEmpty)
        {
            body["Cmd"] = new JsonArray([.. spec.Command.Select(a => JsonValue.Create(a))]);
        }

        if (!spec.Entrypoint.IsDefaultOrEmpty)
        {
            body["Entrypoint"] = new JsonArray([.. spec.Entrypoint.Select(a => JsonValue.Create(a))]);
        }

        if (spec.WorkingDir is { } workingDir)
        {
            body["WorkingDir"] = workingDir;
        }

        if (spec.NetworkMode == ContainerServiceSpec.Bridge && port is { } hostPort && spec.ContainerPort is { } containerPort)
        {
            var key = $"{containerPort.ToString(CultureInfo.InvariantCulture)}/tcp";
            body["ExposedPorts"] = new JsonObject { [key] = new JsonObject() };
            host["PortBindings"] = new JsonObject
            {
                // Published on loopback only: what is reachable from elsewhere is the load balancer's choice.
                [key] = new JsonArray(new JsonObject { ["HostIp"] = "127.0.0.1", ["HostPort"] = hostPort.ToString(CultureInfo.InvariantCulture) }),
            };
        }

        if (spec.Limits.MemoryBytes is { } memory)
        {
            host["Memory"] = memory;
        }

        if (spec.Limits.NanoCpus is { } cpus)
        {
            host["NanoCpus"] = cpus;
        }

        if (spec.Limits.Pids is { } pids)
        {
            host["PidsLimit"] = pids;
        }

        return body;
    }

    private static JsonObject MountJson(ContainerMount mount)
    {
        var json = new JsonObject { ["Type"] = mount.Type, ["Target"] = mount.Target, ["ReadOnly"] = mount.ReadOnly };
        if (mount.Source is { } source)
        {
            json["Source"] = source;
        }

        return json;
    }

    /// <summary>A container name unique to one start: the stack, the address, the index and a random suffix.</summary>
    private string NameFor(string address, int index)
    {
        static string Safe(string text) => string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')).Trim('.', '-', '_');
        var prefix = $"{Safe(stack)}-{Safe(address)}";
        if (prefix.Length > 80)
        {
            prefix = prefix[..80];
        }

        return $"{prefix.TrimStart('-', '.', '_')}-{index.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..6]}";
    }

    private static async Task<ContainerReplica?> ReplicaOfAsync(DockerEngineClient client, string id, CancellationToken cancellationToken)
    {
        if (await client.InspectContainerAsync(id, cancellationToken) is not { } details
            || !details.Labels.TryGetValue(ContainerLabels.Index, out var indexText)
            || !int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return null;
        }

        int? port = details.Labels.TryGetValue(ContainerLabels.Port, out var portText) && int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
        var hash = details.Labels.TryGetValue(ContainerLabels.InputsHash, out var h) ? h : "";
        return new ContainerReplica(index, details.Id, details.Name, port, hash, details.State.Running ? details.State.Pid : 0);
    }

    private static async Task KillQuietlyAsync(DockerEngineClient client, string id, string signal, CancellationToken cancellationToken)
    {
        try
        {
            await client.KillContainerAsync(id, signal, cancellationToken);
        }
        catch (DockerEngineException exception) when (exception.StatusCode is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.Conflict)
        {
            // Gone, or no longer running: either way it is stopped.
        }
    }

    private static async Task RemoveQuietlyAsync(DockerEngineClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            await client.RemoveContainerAsync(id, force: true, removeVolumes: true, cancellationToken);
        }
        catch (DockerEngineException exception) when (exception.StatusCode == (int)HttpStatusCode.Conflict)
        {
            // Already being removed.
        }
    }
}
