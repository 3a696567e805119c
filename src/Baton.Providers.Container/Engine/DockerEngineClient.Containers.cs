using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Baton.Providers.Container.Engine;

internal sealed partial class DockerEngineClient
{
    /// <summary>How long after an exec's output ended its exit code may take to be recorded.</summary>
    private static readonly TimeSpan ExecExitCodeWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Creates the container <paramref name="name"/> from <paramref name="body"/> (the API's create body: <c>Image</c>,
    /// <c>Cmd</c>, <c>Labels</c>, <c>HostConfig</c>, …) and returns its id. A name already taken is a
    /// <see cref="DockerEngineException"/> with status 409 (Podman answers it with 500; it is reported as 409 all the
    /// same), by which a caller can look up the container that holds it.
    /// </summary>
    public async Task<string> CreateContainerAsync(string name, JsonObject body, CancellationToken cancellationToken)
    {
        var created = await CallAsync(HttpMethod.Post, $"/containers/create?name={Escape(name)}", body, cancellationToken);
        return EngineJson.String(created, "Id") is { Length: > 0 } id
            ? id
            : throw new DockerEngineException($"the engine created the container {name} but answered no id", null, isTransient: false);
    }

    /// <summary>Starts a container; one that already runs is fine.</summary>
    public async Task StartContainerAsync(string id, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Post, $"/containers/{Escape(id)}/start", null, cancellationToken);

    /// <summary>
    /// Stops a container: its stop signal, then SIGKILL after <paramref name="timeout"/> (whole seconds, rounded up;
    /// the call lasts that long at most, plus the engine's own time). One already stopped is fine.
    /// </summary>
    public async Task StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Post, $"/containers/{Escape(id)}/stop?t={Seconds(timeout)}", null, cancellationToken);

    /// <summary>Sends <paramref name="signal"/> (<c>TERM</c>, <c>SIGHUP</c>, <c>9</c>, …) to a container's main process; a container that does not run is a 409.</summary>
    public async Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Post, $"/containers/{Escape(id)}/kill?signal={Escape(signal)}", null, cancellationToken);

    /// <summary>Stops (waiting <paramref name="timeout"/> before SIGKILL) and starts a container again.</summary>
    public async Task RestartContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Post, $"/containers/{Escape(id)}/restart?t={Seconds(timeout)}", null, cancellationToken);

    /// <summary>
    /// Removes a container (<paramref name="force"/>: even while it runs, killing it; <paramref name="removeVolumes"/>:
    /// with its anonymous volumes). One that is not there is already removed.
    /// </summary>
    public async Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Delete, $"/containers/{Escape(id)}?force={Flag(force)}&v={Flag(removeVolumes)}", null, cancellationToken, notFoundIsNull: true);

    /// <summary>The container <paramref name="id"/> (an id, a prefix of one, or a name); null when there is none.</summary>
    public async Task<ContainerDetails?> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        var container = await CallAsync(HttpMethod.Get, $"/containers/{Escape(id)}/json", null, cancellationToken, notFoundIsNull: true);
        if (container is null)
        {
            return null;
        }

        var state = container["State"];
        var ports = new Dictionary<string, IReadOnlyList<PortBinding>>(StringComparer.Ordinal);
        if (container["NetworkSettings"]?["Ports"] is JsonObject published)
        {
            foreach (var (port, bindings) in published)
            {
                ports[port] = bindings is JsonArray list
                    ? [.. list.Select(binding => new PortBinding(EngineJson.String(binding, "HostIp"), EngineJson.String(binding, "HostPort")))]
                    : [];
            }
        }

        return new ContainerDetails
        {
            Id = EngineJson.String(container, "Id"),
            Name = EngineJson.String(container, "Name").TrimStart('/'),
            Image = EngineJson.String(container, "Image"),
            ImageReference = EngineJson.String(container["Config"], "Image"),
            Labels = EngineJson.StringMap(container["Config"], "Labels"),
            Tty = EngineJson.Bool(container["Config"], "Tty"),
            State = new ContainerState
            {
                Status = EngineJson.String(state, "Status"),
                Running = EngineJson.Bool(state, "Running"),
                Pid = EngineJson.Int(state, "Pid"),
                ExitCode = EngineJson.Int(state, "ExitCode"),
                StartedAt = EngineJson.Time(state, "StartedAt"),
                FinishedAt = EngineJson.Time(state, "FinishedAt"),
            },
            Ports = ports,
        };
    }

    /// <summary>The containers carrying every one of <paramref name="labelFilters"/> (all of them with <paramref name="all"/>, else only running ones).</summary>
    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IReadOnlyDictionary<string, string> labelFilters, bool all, CancellationToken cancellationToken)
    {
        var list = await CallAsync(HttpMethod.Get, $"/containers/json?all={Flag(all)}&filters={Escape(EngineJson.LabelFilters(labelFilters))}", null, cancellationToken);
        return list is JsonArray containers
            ? [.. containers.Select(container => new ContainerSummary
            {
                Id = EngineJson.String(container, "Id"),
                Names = [.. EngineJson.StringList(container, "Names").Select(name => name.TrimStart('/'))],
                Labels = EngineJson.StringMap(container, "Labels"),
                State = EngineJson.String(container, "State"),
            })]
            : [];
    }

    /// <summary>
    /// The last <paramref name="tailLines"/> lines (all when null; the engine counts the lines of both streams
    /// together) of a container's stdout and stderr, at most the last <paramref name="maxBytes"/> of each. A container without a TTY sends them multiplexed and they come
    /// apart; with a TTY everything is stdout. A container that is not there is a 404.
    /// </summary>
    public async Task<ContainerLogs> LogsAsync(string id, int? tailLines, int maxBytes, CancellationToken cancellationToken)
    {
        var container = await InspectContainerAsync(id, cancellationToken)
            ?? throw new DockerEngineException($"no container with name or ID \"{id}\" found", (int)HttpStatusCode.NotFound, isTransient: false);
        var tail = tailLines is { } lines ? lines.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all";
        using var response = await SendAsync(HttpMethod.Get, $"/containers/{Escape(container.Id)}/logs?stdout=true&stderr=true&tail={tail}", null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken);
        }

        var output = new RawStreamDemultiplexer(maxBytes, BoundedBufferMode.Tail, multiplexed: !container.Tty);
        await ReadRawAsync(response, output, cancellationToken);
        return new ContainerLogs
        {
            Stdout = output.Stdout.ToString(),
            Stderr = output.Stderr.ToString(),
            StdoutTruncated = output.Stdout.Truncated,
            StderrTruncated = output.Stderr.Truncated,
        };
    }

    /// <summary>
    /// Runs <paramref name="argv"/> in a running container (no TTY, no stdin) with <paramref name="env"/>
    /// (<c>NAME=value</c>) and <paramref name="workingDir"/> (the image's when null), and waits for its end: its
    /// exit code and at most the first <paramref name="maxBytes"/> of stdout and stderr each (the rest is read and
    /// dropped). The start answer is the raw multiplexed stream until the command ends (Podman: a 200 without a
    /// length, then the connection closes); the exit code comes from the exec's inspect afterwards. After
    /// <paramref name="timeout"/> the call fails permanently — but the command keeps running: the API cannot stop an
    /// exec, only the whole container.
    /// </summary>
    public async Task<ExecResult> ExecAsync(
        string id,
        IReadOnlyList<string> argv,
        IReadOnlyList<string> env,
        string? workingDir,
        TimeSpan timeout,
        int maxBytes,
        CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["Cmd"] = new JsonArray([.. argv.Select(argument => JsonValue.Create(argument))]),
            ["Env"] = new JsonArray([.. env.Select(variable => JsonValue.Create(variable))]),
            ["AttachStdin"] = false,
            ["AttachStdout"] = true,
            ["AttachStderr"] = true,
            ["Tty"] = false,
        };
        if (workingDir is not null)
        {
            body["WorkingDir"] = workingDir;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var execId = EngineJson.String(await CallAsync(HttpMethod.Post, $"/containers/{Escape(id)}/exec", body, cancellationToken), "Id");
        var output = new RawStreamDemultiplexer(maxBytes, BoundedBufferMode.Head);
        try
        {
            using var start = new StringContent("""{"Detach":false,"Tty":false}""", Encoding.UTF8, "application/json");
            using var response = await SendAsync(HttpMethod.Post, $"/exec/{Escape(execId)}/start", start, limit.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorAsync(response, cancellationToken);
            }

            await ReadRawAsync(response, output, limit.Token);
        }
        catch (Exception exception) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && exception is OperationCanceledException or DockerEngineException { IsTransient: true })
        {
            throw new DockerEngineException(
                $"the command {string.Join(' ', argv)} did not finish within {timeout} in the container {id}; it keeps running there, since the engine API cannot stop an exec",
                null,
                isTransient: false,
                exception);
        }

        return new ExecResult
        {
            ExitCode = await ExecExitCodeAsync(execId, cancellationToken),
            Stdout = output.Stdout.ToString(),
            Stderr = output.Stderr.ToString(),
            StdoutTruncated = output.Stdout.Truncated,
            StderrTruncated = output.Stderr.Truncated,
        };
    }

    /// <summary>The exit code of a finished exec, waiting briefly for the engine to record it after the output ended.</summary>
    private async Task<int> ExecExitCodeAsync(string execId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ExecExitCodeWait;
        while (true)
        {
            var exec = await CallAsync(HttpMethod.Get, $"/exec/{Escape(execId)}/json", null, cancellationToken);
            if (!EngineJson.Bool(exec, "Running") && EngineJson.NullableInt(exec, "ExitCode") is { } exitCode)
            {
                return exitCode;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new DockerEngineException($"the exec {execId} ended its output but the engine reports no exit code", null, isTransient: false);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private async Task ReadRawAsync(HttpResponseMessage response, RawStreamDemultiplexer output, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            await output.ReadToEndAsync(stream, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw DockerEngineException.Unreachable(Endpoint, "the connection broke during the answer: " + Innermost(exception), exception);
        }
    }
}
