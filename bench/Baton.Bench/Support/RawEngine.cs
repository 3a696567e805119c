using System.Text;
using System.Text.Json.Nodes;

namespace Baton.Bench.Support;

/// <summary>
/// The engine's API with nothing of Baton in between, for the compute benchmark's baseline: a plain
/// <see cref="HttpClient"/> on the unix socket (the Podman harness's own), one request per call (create, start, stop,
/// remove, kill, inspect).
/// </summary>
internal sealed class RawEngine : IDisposable
{
    private const string Version = "/v1.41";
    private readonly HttpClient _http;

    public RawEngine(string socketPath) => _http = PodmanServer.CreateHttpClient(socketPath);

    /// <summary>Creates a container from <paramref name="body"/> (the engine's create body) and returns its id.</summary>
    public async Task<string> CreateAsync(string name, JsonObject body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var answer = await SendAsync(HttpMethod.Post, $"/containers/create?name={Uri.EscapeDataString(name)}", content, cancellationToken);
        return JsonNode.Parse(answer)?["Id"]?.GetValue<string>() ?? throw new InvalidOperationException($"create {name} answered no id: {answer}");
    }

    public Task StartAsync(string id, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, $"/containers/{id}/start", null, cancellationToken);

    /// <summary>The stop signal, then SIGKILL after <paramref name="seconds"/>; returns once it has stopped.</summary>
    public Task StopAsync(string id, int seconds, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, $"/containers/{id}/stop?t={seconds}", null, cancellationToken);

    public Task RemoveAsync(string id, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, $"/containers/{id}?force=true&v=true", null, cancellationToken);

    /// <summary>SIGKILL to the container's process 1, as <c>podman kill</c> does.</summary>
    public Task KillAsync(string id, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, $"/containers/{id}/kill?signal=SIGKILL", null, cancellationToken);

    public async Task<bool> RunningAsync(string id, CancellationToken cancellationToken) =>
        JsonNode.Parse(await SendAsync(HttpMethod.Get, $"/containers/{id}/json", null, cancellationToken))?["State"]?["Running"]?.GetValue<bool>() == true;

    /// <summary>The ids of all containers (running or not) labelled <paramref name="key"/>=<paramref name="value"/>.</summary>
    public async Task<IReadOnlyList<string>> IdsWithLabelAsync(string key, string value, CancellationToken cancellationToken)
    {
        var filter = Uri.EscapeDataString(new JsonObject { ["label"] = new JsonArray(JsonValue.Create(key + "=" + value)) }.ToJsonString());
        var answer = await SendAsync(HttpMethod.Get, $"/containers/json?all=true&filters={filter}", null, cancellationToken);
        return [.. (JsonNode.Parse(answer)?.AsArray() ?? []).Select(c => c?["Id"]?.GetValue<string>()).OfType<string>()];
    }

    /// <summary>The engine's version (what a client asks first, to negotiate the API version).</summary>
    public Task<string> VersionAsync(CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, "/version", null, cancellationToken);

    public Task<string> InspectAsync(string id, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, $"/containers/{id}/json", null, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<string> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(Version + path, UriKind.Relative)) { Content = content };
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {body}");
    }
}
