using System.Globalization;
using Baton.Providers.Container.Engine;
using Baton.Replicas;
using Baton.Text;
using Baton.Values;

namespace Baton.Providers.Container;

/// <summary>
/// The workflow actions. An action names its service by the service's id (input <c>service</c>, such as
/// <c>${web.id}</c>) and finds its containers by their labels; it takes the same lock as the service's create,
/// update and delete.
/// </summary>
internal sealed partial class ContainerProvider
{
    public async ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        if (request.Inputs.Kind != ValueKind.Map)
        {
            return ReplicaActions.Failed(request.Action, "the inputs must be a map");
        }

        var get = ReplicaActions.InputReader(request.Inputs);
        try
        {
            return request.Action switch
            {
                ContainerSchema.RestartAction => await RestartAsync(request, get, cancellationToken),
                ContainerSchema.ExecAction => await ExecAsync(request.Action, get, cancellationToken),
                ContainerSchema.LogsAction => await LogsAsync(request.Action, get, cancellationToken),
                _ => ReplicaActions.Failed(request.Action, $"the container provider has no action \"{request.Action}\""),
            };
        }
        catch (DockerEngineException exception)
        {
            return new InvokeResult { Error = EngineConnection.ToError(request.Action, exception) };
        }
    }

    /// <summary>The service named by the input <c>service</c> as its containers tell, or why there is none.</summary>
    private async Task<(ServiceState<ContainerReplica>? Service, string? Error)> FindServiceAsync(Value? service, CancellationToken cancellationToken)
    {
        switch (service)
        {
            case null:
                return (null, "service is required: the service's id, such as ${web.id}");
            case { Kind: ValueKind.String } id when await _driver.SpecOfAsync(id.AsString(), cancellationToken) is { } origin:
                return (await _driver.LoadAsync(id.AsString(), origin.Address, NormalizeService(origin.Inputs), cancellationToken), null);
            case { Kind: ValueKind.String } id:
                return (null, $"no container.service has the id \"{id.AsString()}\" on the engine at {_engine.Endpoint} (never created, deleted, or no container left)");
            default:
                return (null, $"service must be a service's id (a string such as ${{web.id}}), got {service}");
        }
    }

    private async Task<InvokeResult> RestartAsync(InvokeRequest request, Func<string, Value?> get, CancellationToken cancellationToken)
    {
        var action = request.Action;
        if (!ReplicaActions.TryReadRestart(get, out var strategy, out var only, out var argumentError))
        {
            return ReplicaActions.Failed(action, argumentError!);
        }

        if (get("service") is { Kind: ValueKind.String } serviceId)
        {
            using var gate = await _locks.AcquireAsync(serviceId.AsString(), cancellationToken);
            return await RestartLockedAsync(request, get("service"), strategy, only, cancellationToken);
        }

        return await RestartLockedAsync(request, get("service"), strategy, only, cancellationToken);
    }

    private async Task<InvokeResult> RestartLockedAsync(InvokeRequest request, Value? serviceInput, RestartStrategy strategy, IReadOnlySet<int>? only, CancellationToken cancellationToken)
    {
        var action = request.Action;
        var (service, error) = await FindServiceAsync(serviceInput, cancellationToken);
        if (service is null)
        {
            return ReplicaActions.Failed(action, error!);
        }

        if (service.Replicas.Any(r => r.Rollout))
        {
            return ReplicaActions.Failed(action, $"{service.Address}: a rolling update of the service is unfinished; apply the stack first");
        }

        var spec = _driver.Spec(service.Inputs);
        if (await PrepareAsync(service.Address, spec, checkFixedPort: false, cancellationToken) is { } prepareError)
        {
            return new InvokeResult { Error = prepareError with { Message = $"{action}: {prepareError.Message}" } };
        }

        var (restarted, failure) = await _replicas.RestartAsync(service with { Operation = request.IdempotencyKey }, strategy, only, cancellationToken);
        if (failure is not null)
        {
            return new InvokeResult { Error = failure with { Message = $"{action}: {failure.Message}" } };
        }

        var attributes = (await ServiceAttributesAsync(restarted!, probe: false, cancellationToken)).AsMap();
        return new InvokeResult { Outputs = Value.Map([new("pids", attributes["pids"]), new("endpoints", attributes["endpoints"])]) };
    }

    private async Task<InvokeResult> ExecAsync(string action, Func<string, Value?> get, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var command = CommandInputs.ReadArgv(get("command"), "command", required: true, errors);
        var env = CommandInputs.ReadEnv(get("env"), "env", errors);
        var timeout = TimeSpan.FromSeconds(60);
        if (get("timeout") is { } timeoutValue && (!Durations.TryParse(timeoutValue, out timeout, out _) || timeout <= TimeSpan.Zero))
        {
            errors.Add("timeout must be a duration such as \"30s\"");
        }

        var index = 0;
        if (get("replica") is { } replicaValue)
        {
            if (replicaValue.Kind == ValueKind.Number && replicaValue.IsInteger && replicaValue.AsNumber() >= 0)
            {
                index = (int)replicaValue.AsNumber();
            }
            else
            {
                errors.Add("replica must be a replica's index (0 or more)");
            }
        }

        if (!ReplicaActions.TryReadExpectedExitCode(get("expect_exit_code"), out var expect, out var expectError))
        {
            errors.Add(expectError!);
        }

        string? workingDir = null;
        if (get("working_dir") is { } dir)
        {
            if (dir.Kind == ValueKind.String && dir.AsString().StartsWith('/'))
            {
                workingDir = dir.AsString();
            }
            else
            {
                errors.Add("working_dir must be an absolute path inside the container");
            }
        }

        if (errors.Count > 0)
        {
            return ReplicaActions.Failed(action, string.Join("; ", errors));
        }

        var (service, error) = await FindServiceAsync(get("service"), cancellationToken);
        if (service is null)
        {
            return ReplicaActions.Failed(action, error!);
        }

        var replica = service.Replicas.Where(r => r.Index == index).OrderBy(r => r.Rollout ? 1 : 0).FirstOrDefault();
        if (replica is null || !(await _driver.StatusAsync(service, replica, cancellationToken)).Alive)
        {
            return ReplicaActions.Failed(action, $"{service.Address}: replica {index} is not running");
        }

        var client = await _engine.GetAsync(cancellationToken);
        ExecResult outcome;
        try
        {
            outcome = await client.ExecAsync(replica.ContainerId, command, [.. env.Select(e => $"{e.Key}={e.Value}")], workingDir, timeout, ContainerSchema.MaxOutputBytes, cancellationToken);
        }
        catch (DockerEngineException exception) when (!exception.IsTransient)
        {
            return ReplicaActions.Failed(action, $"{service.Address}: replica {index}: {exception.Message}");
        }

        var outputs = ReplicaActions.ExecResult(outcome.ExitCode, outcome.Stdout, outcome.Stderr, outcome.StdoutTruncated, outcome.StderrTruncated);
        if (expect is { } expected && outcome.ExitCode != expected)
        {
            var stderrTail = string.Join('\n', outcome.Stderr.TrimEnd('\n').Split('\n').TakeLast(20)).Trim();
            return new InvokeResult
            {
                Outputs = outputs,
                Error = ProviderError.Permanent($"{action}: command \"{command[0]}\" exited with {outcome.ExitCode.ToString(CultureInfo.InvariantCulture)}, expected {expected.ToString(CultureInfo.InvariantCulture)}{(stderrTail.Length > 0 ? "; stderr:\n" + stderrTail : "")}"),
            };
        }

        return new InvokeResult { Outputs = outputs };
    }

    private async Task<InvokeResult> LogsAsync(string action, Func<string, Value?> get, CancellationToken cancellationToken)
    {
        var lines = 100;
        if (get("lines") is { } linesValue)
        {
            if (linesValue.Kind == ValueKind.Number && linesValue.IsInteger && linesValue.AsNumber() is >= 1 and <= 10000)
            {
                lines = (int)linesValue.AsNumber();
            }
            else
            {
                return ReplicaActions.Failed(action, "lines must be a whole number from 1 to 10000");
            }
        }

        var (service, error) = await FindServiceAsync(get("service"), cancellationToken);
        if (service is null)
        {
            return ReplicaActions.Failed(action, error!);
        }

        var client = await _engine.GetAsync(cancellationToken);
        var entries = new List<Value>();
        foreach (var replica in service.Replicas)
        {
            var logs = await client.LogsAsync(replica.ContainerId, lines, ContainerSchema.MaxOutputBytes, cancellationToken);
            entries.Add(Value.Map(
            [
                new("index", Value.Number(replica.Index)),
                new("container", Value.String(replica.ContainerId)),
                new("alive", Value.Bool((await _driver.StatusAsync(service, replica, cancellationToken)).Alive)),
                new("stdout", Value.String(logs.Stdout)),
                new("stderr", Value.String(logs.Stderr)),
                new("truncated", Value.Bool(logs.StdoutTruncated || logs.StderrTruncated)),
            ]));
        }

        return new InvokeResult { Outputs = Value.Map([new("replicas", Value.List(entries))]) };
    }
}
