using Baton.Replicas;
using Baton.Runtime;
using Baton.Text;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>
/// The workflow actions. An action names its service by the service's id (input <c>service</c>, such as
/// <c>${web.id}</c>), looked up in the registry; it takes the same lock as the service's create, update and delete.
/// </summary>
internal sealed partial class ProcessProvider
{
    public async ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        if (request.Inputs.Kind != ValueKind.Map)
        {
            return ReplicaActions.Failed(request.Action, "the inputs must be a map");
        }

        var get = ReplicaActions.InputReader(request.Inputs);
        return request.Action switch
        {
            ProcessSchema.RestartAction => await RestartAsync(request.Action, get, cancellationToken),
            ProcessSchema.ExecAction => await ExecAsync(request.Action, request.Inputs, get, cancellationToken),
            ProcessSchema.LogsAction => Logs(request.Action, get),
            _ => ReplicaActions.Failed(request.Action, $"the process provider has no action \"{request.Action}\""),
        };
    }

    /// <summary>The service named by the input <c>service</c>, or why there is none.</summary>
    private (ServiceState<ReplicaRecord>? Record, string? Error) FindService(Value? service, bool required)
    {
        switch (service)
        {
            case null when required:
                return (null, "service is required: the service's id, such as ${web.id}");
            case null:
                return (null, null);
            case { Kind: ValueKind.String } id when _registry.Find(id.AsString()) is { } record:
                return (record, null);
            case { Kind: ValueKind.String } id:
                return (null, $"no process.service has the id \"{id.AsString()}\" (never created here, or deleted)");
            default:
                return (null, $"service must be a service's id (a string such as ${{web.id}}), got {service}");
        }
    }

    private async Task<InvokeResult> RestartAsync(string action, Func<string, Value?> get, CancellationToken cancellationToken)
    {
        if (!ReplicaActions.TryReadRestart(get, out var strategy, out var only, out var argumentError))
        {
            return ReplicaActions.Failed(action, argumentError!);
        }

        var (found, error) = FindService(get("service"), required: true);
        if (found is null)
        {
            return ReplicaActions.Failed(action, error!);
        }

        using var gate = await _locks.AcquireAsync(found.Id, cancellationToken);

        // Read again under the lock: an update may have changed it meanwhile.
        if (_registry.Find(found.Id) is not { } record)
        {
            return ReplicaActions.Failed(action, $"the service {found.Id} is gone");
        }

        if (record.Replicas.Any(r => r.Rollout))
        {
            return ReplicaActions.Failed(action, $"{record.Address}: a rolling update of the service is unfinished; apply the stack first");
        }

        var spec = ServiceSpec.Read(record.Inputs, []);
        if (Prepare(record.Address, spec, checkFixedPort: false) is { } prepareError)
        {
            return new InvokeResult { Error = prepareError with { Message = $"{action}: {prepareError.Message}" } };
        }

        var (restarted, failure) = await _replicas.RestartAsync(record, strategy, only, cancellationToken);
        if (failure is not null)
        {
            return new InvokeResult { Error = failure with { Message = $"{action}: {failure.Message}" } };
        }

        _driver.PruneExitFiles(restarted!);
        var attributes = (await AttributesAsync(restarted!, probe: false, cancellationToken)).AsMap();
        return new InvokeResult { Outputs = Value.Map([new("pids", attributes["pids"]), new("endpoints", attributes["endpoints"])]) };
    }

    private async Task<InvokeResult> ExecAsync(string action, Value inputs, Func<string, Value?> get, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var command = ServiceSpec.Read(inputs, errors);
        var timeout = TimeSpan.FromSeconds(60);
        if (get("timeout") is { } timeoutValue && (!Durations.TryParse(timeoutValue, out timeout, out _) || timeout <= TimeSpan.Zero))
        {
            errors.Add("timeout must be a duration such as \"30s\"");
        }

        if (!ReplicaActions.TryReadExpectedExitCode(get("expect_exit_code"), out var expect, out var expectError))
        {
            errors.Add(expectError!);
        }

        var (service, serviceError) = FindService(get("service"), required: false);
        if (serviceError is not null)
        {
            errors.Add(serviceError);
        }

        if (errors.Count > 0)
        {
            return ReplicaActions.Failed(action, string.Join("; ", errors));
        }

        // The service's environment and directory first; the action's own inputs on top.
        var serviceSpec = service is null ? null : ServiceSpec.Read(service.Inputs, []);
        var env = new Dictionary<string, string>(serviceSpec?.Env ?? command.Env, StringComparer.Ordinal);
        foreach (var (name, value) in command.Env)
        {
            env[name] = value;
        }

        var workingDir = command.WorkingDir is not null || serviceSpec is null ? _driver.WorkingDirectory(command) : _driver.WorkingDirectory(serviceSpec);
        if (!Directory.Exists(workingDir))
        {
            return ReplicaActions.Failed(action, $"working_dir \"{workingDir}\" does not exist");
        }

        if (!ReplicaLauncher.CanRun(command.Command[0], workingDir, env))
        {
            return ReplicaActions.Failed(action, $"command \"{command.Command[0]}\" is not found (not a file, and not on PATH)");
        }

        var (outcome, runError) = await CommandRunner.RunAsync(command.Command, env, workingDir, timeout, ProcessSchema.MaxOutputBytes, cancellationToken);
        if (outcome is null)
        {
            return ReplicaActions.Failed(action, runError!);
        }

        var outputs = ReplicaActions.ExecResult(outcome.ExitCode, outcome.Stdout, outcome.Stderr, outcome.StdoutTruncated, outcome.StderrTruncated);
        if (expect is { } expected && outcome.ExitCode != expected)
        {
            var stderrTail = ReplicaLauncher.LastLines(outcome.Stderr, 20);
            return new InvokeResult
            {
                Outputs = outputs,
                Error = ProviderError.Permanent($"{action}: command \"{command.Command[0]}\" exited with {outcome.ExitCode}, expected {expected}{(stderrTail.Length > 0 ? "; stderr:\n" + stderrTail : "")}"),
            };
        }

        return new InvokeResult { Outputs = outputs };
    }

    private InvokeResult Logs(string action, Func<string, Value?> get)
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

        var (record, error) = FindService(get("service"), required: true);
        if (record is null)
        {
            return ReplicaActions.Failed(action, error!);
        }

        // Replicas of an unfinished rollout share their index's log with the replica they replace: one entry per index.
        var replicas = record.Replicas.GroupBy(r => r.Index).Select(g => g.OrderBy(r => r.Rollout ? 0 : 1).First()).OrderBy(r => r.Index);
        var entries = replicas.Select(replica =>
        {
            var (text, truncated) = ReplicaLauncher.TailBounded(_driver.LogPath(record.Address, replica.Index), lines, ProcessSchema.MaxOutputBytes);
            return Value.Map(
            [
                new("index", Value.Number(replica.Index)),
                new("pid", Value.Number(replica.Pid)),
                new("alive", Value.Bool(replica.IsAlive)),
                new("lines", Value.String(text)),
                new("truncated", Value.Bool(truncated)),
            ]);
        });
        return new InvokeResult { Outputs = Value.Map([new("replicas", Value.List(entries))]) };
    }
}
