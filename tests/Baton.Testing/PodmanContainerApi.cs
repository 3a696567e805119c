using System.Buffers.Binary;
using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Baton.Testing;

/// <summary>
/// The container calls of Podman's Docker-compatible API that the SSH host fleet makes from the side: create, start,
/// stop, pause, inspect, logs, exec, and files in and out as tar archives. BCL only, like <see cref="PodmanServer"/>;
/// every failure throws <see cref="InvalidOperationException"/> with the status and body.
/// </summary>
internal sealed class PodmanContainerApi : IDisposable
{
    private static readonly TimeSpan ExecExitCodeWait = TimeSpan.FromSeconds(10);
    private readonly HttpClient _http;

    public PodmanContainerApi(PodmanServer podman)
    {
        _http = PodmanServer.CreateHttpClient(podman.SocketPath);
        // Each call's limit is its cancellation token: an import of a large image or a long exec takes minutes.
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Imports a root filesystem tar as the image <paramref name="repository"/> (<c>name:tag</c>) and returns its id.</summary>
    public async Task<string> ImportImageAsync(string tarPath, string repository, CancellationToken cancellationToken)
    {
        await using var tar = File.OpenRead(tarPath);
        using var content = new StreamContent(tar, 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        content.Headers.ContentLength = tar.Length;
        using var response = await _http.PostAsync(Uri($"/images/create?fromSrc=-&repo={System.Uri.EscapeDataString(repository)}"), content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || body.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"importing {tarPath} as {repository} answered {(int)response.StatusCode}: {body}");
        }

        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (JsonNode.Parse(line)?["id"]?.GetValue<string>() is { } id && id.StartsWith("sha256:", StringComparison.Ordinal))
            {
                return id;
            }
        }

        throw new InvalidOperationException($"importing {repository} answered no image id: {body}");
    }

    /// <summary>Creates a container named <paramref name="name"/> from <paramref name="body"/> and returns its id.</summary>
    public async Task<string> CreateAsync(string name, JsonObject body, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(HttpMethod.Post, $"/containers/create?name={System.Uri.EscapeDataString(name)}", body, cancellationToken);
        return JsonNode.Parse(answer)?["Id"]?.GetValue<string>() ?? throw new InvalidOperationException($"creating {name} answered no id: {answer}");
    }

    public Task StartAsync(string id, CancellationToken cancellationToken) => CallAsync(HttpMethod.Post, $"/containers/{id}/start", null, cancellationToken);

    public Task StopAsync(string id, int timeoutSeconds, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Post, $"/containers/{id}/stop?t={timeoutSeconds}", null, cancellationToken);

    public Task PauseAsync(string id, CancellationToken cancellationToken) => CallAsync(HttpMethod.Post, $"/containers/{id}/pause", null, cancellationToken);

    public Task UnpauseAsync(string id, CancellationToken cancellationToken) => CallAsync(HttpMethod.Post, $"/containers/{id}/unpause", null, cancellationToken);

    public async Task<JsonNode> InspectAsync(string id, CancellationToken cancellationToken) =>
        JsonNode.Parse(await CallAsync(HttpMethod.Get, $"/containers/{id}/json", null, cancellationToken))
            ?? throw new InvalidOperationException($"inspecting {id} answered nothing");

    /// <summary>The container's output so far (stdout and stderr interleaved), for error messages.</summary>
    public async Task<string> LogsAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(Uri($"/containers/{id}/logs?stdout=true&stderr=true&tail=100"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return $"(the logs answered {(int)response.StatusCode})";
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var (stdout, stderr) = await DemultiplexAsync(stream, cancellationToken);
        return stdout + stderr;
    }

    /// <summary>
    /// Runs <paramref name="argv"/> in the running container as <paramref name="user"/> (the image's, root, when
    /// null) without a TTY or stdin, and returns its exit code and output. The start answer is the multiplexed raw
    /// stream until the command ends; the exit code comes from the exec's inspect afterwards, which may lag a moment.
    /// </summary>
    public async Task<HostExecResult> ExecAsync(string id, IReadOnlyList<string> argv, string? user, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["Cmd"] = new JsonArray([.. argv.Select(argument => JsonValue.Create(argument))]),
            ["AttachStdin"] = false,
            ["AttachStdout"] = true,
            ["AttachStderr"] = true,
            ["Tty"] = false,
        };
        if (user is not null)
        {
            body["User"] = user;
        }

        var created = await CallAsync(HttpMethod.Post, $"/containers/{id}/exec", body, cancellationToken);
        var execId = JsonNode.Parse(created)?["Id"]?.GetValue<string>() ?? throw new InvalidOperationException($"creating an exec in {id} answered no id: {created}");
        using var start = new StringContent("""{"Detach":false,"Tty":false}""", Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, Uri($"/exec/{execId}/start")) { Content = start };
        string stdout;
        string stderr;
        using (var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"starting {string.Join(' ', argv)} in {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            (stdout, stderr) = await DemultiplexAsync(stream, cancellationToken);
        }

        var deadline = DateTime.UtcNow + ExecExitCodeWait;
        while (true)
        {
            var exec = JsonNode.Parse(await CallAsync(HttpMethod.Get, $"/exec/{execId}/json", null, cancellationToken));
            if (exec?["Running"]?.GetValue<bool>() == false && exec["ExitCode"]?.GetValue<int>() is { } exitCode)
            {
                return new HostExecResult(exitCode, stdout, stderr);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{string.Join(' ', argv)} in {id} ended its output but Podman reports no exit code: {exec?.ToJsonString()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    /// <summary>The content of the regular file <paramref name="path"/> in the container (running or not); null when there is none.</summary>
    public async Task<byte[]?> ReadFileAsync(string id, string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(Uri($"/containers/{id}/archive?path={System.Uri.EscapeDataString(path)}"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"reading {path} of {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var reader = new TarReader(stream);
        var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken);
        if (entry is null || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
        {
            throw new InvalidOperationException($"{path} of {id} is not a regular file ({entry?.EntryType.ToString() ?? "an empty archive"})");
        }

        using var content = new MemoryStream();
        if (entry.DataStream is not null)
        {
            await entry.DataStream.CopyToAsync(content, cancellationToken);
        }

        return content.ToArray();
    }

    /// <summary>
    /// Extracts <paramref name="tar"/> into the directory <paramref name="directory"/> of the container (created,
    /// running or stopped), keeping the owners and modes its entries have.
    /// </summary>
    public async Task PutArchiveAsync(string id, string directory, byte[] tar, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(tar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await _http.PutAsync(Uri($"/containers/{id}/archive?path={System.Uri.EscapeDataString(directory)}"), content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"writing into {directory} of {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Calls the API and returns the body; an answer other than 2xx or 304 (already so) throws with its status and body.</summary>
    private async Task<string> CallAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Uri(path));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified
            ? text
            : throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
    }

    private static Uri Uri(string path) => new($"/v{PodmanServer.ApiVersion}{path}", UriKind.Relative);

    /// <summary>
    /// Splits Docker's multiplexed raw stream: frames of an 8-byte header (the stream, 1 stdout or 2 stderr, three
    /// zero bytes, the payload's length as a big-endian uint32) and the payload.
    /// </summary>
    private static async Task<(string Stdout, string Stderr)> DemultiplexAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var header = new byte[8];
        var buffer = new byte[64 * 1024];
        while (await ReadFullyAsync(stream, header, cancellationToken) == header.Length)
        {
            var target = header[0] == 2 ? stderr : stdout;
            var left = (long)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            while (left > 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(left, buffer.Length)), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                target.Write(buffer, 0, read);
                left -= read;
            }
        }

        return (Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    private static async Task<int> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
