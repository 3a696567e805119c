using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Access;
using Baton.Engine.Hosting;
using Baton.Engine.Providers;
using Baton.Engine.Secrets;
using Baton.State;
using Baton.State.Sqlite;
using Microsoft.Data.Sqlite;

namespace Baton.Server.Tests.Support;

/// <summary>
/// A control plane serving one stack from a temp directory, on a free loopback port, with a known stack key (given as
/// <c>BATON_SECRET_KEY</c>) so webhook keys can be derived. Disposing stops it and deletes the directory.
/// </summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly List<HttpClient> _clients = [];
    private ControlPlane? _plane;
    private TimeSpan _reloadInterval;

    private ServerHarness(string directory, byte[] stackKey)
    {
        Directory = directory;
        StackKey = stackKey;
    }

    public static ProviderRegistry Registry { get; } = ProviderRegistry.FromAssemblies(
        [typeof(Baton.Providers.Sim.SimProviderFactory).Assembly, typeof(Baton.Providers.File.FileProviderFactory).Assembly, typeof(Baton.Providers.Process.ProcessProviderFactory).Assembly, typeof(Baton.Providers.Nginx.NginxProviderFactory).Assembly, typeof(Baton.Providers.S3.S3ProviderFactory).Assembly, typeof(Baton.Providers.Container.ContainerProviderFactory).Assembly]);

    public string Directory { get; }

    public byte[] StackKey { get; }

    public ControlPlane Plane => _plane ?? throw new InvalidOperationException("the control plane was stopped");

    public string StackName => Plane.StackNames[0];

    /// <summary>A client with the control plane's session (admin) token.</summary>
    public HttpClient Admin { get; private set; } = null!;

    public static async Task<ServerHarness> StartAsync(string yaml, TimeSpan? reloadInterval = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("baton-server-").FullName;
        var key = RandomNumberGenerator.GetBytes(SecretKeySource.KeySize);
        var harness = new ServerHarness(directory, key) { _reloadInterval = reloadInterval ?? TimeSpan.FromSeconds(2) };
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "baton.yaml"), yaml);
            await harness.StartPlaneAsync();
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the control plane and starts a new one on the same directory, key and state.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartPlaneAsync();
    }

    private async Task StartPlaneAsync()
    {
        _plane = await ControlPlane.StartAsync(
            new ControlPlaneOptions
            {
                Stacks = [new StackSource { Directory = Directory, Environment = new Dictionary<string, string> { [SecretKeySource.EnvironmentVariable] = Convert.ToBase64String(StackKey) } }],
                Registry = Registry,
                Listen = "127.0.0.1:0",
                ReloadInterval = _reloadInterval,
            },
            CancellationToken.None);
        Admin = Client(_plane.SessionToken);
    }

    /// <summary>A client sending <paramref name="token"/> as a bearer token (none when null).</summary>
    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = Plane.Address, Timeout = Patience };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _clients.Add(client);
        return client;
    }

    /// <summary>Creates a token through the API (as admin) and returns its text.</summary>
    public async Task<string> CreateTokenAsync(string role)
    {
        using var response = await Admin.PostAsync(new Uri("/api/tokens", UriKind.Relative), JsonBody(new { role, description = "test " + role }));
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("token").GetString()!;
    }

    /// <summary>Plans through the API and returns the plan's id.</summary>
    public async Task<string> PlanAsync()
    {
        using var response = await Admin.PostAsync(new Uri($"/api/stacks/{StackName}/plans", UriKind.Relative), JsonBody(new { }));
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>Applies a plan through the API and waits for its <c>apply.finished</c> event; returns the apply id.</summary>
    public async Task<string> ApplyAsync(string planId)
    {
        using var response = await Admin.PostAsync(new Uri($"/api/stacks/{StackName}/plans/{planId}/apply", UriKind.Relative), null);
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body.ToString());
        var applyId = body.GetProperty("apply").GetString()!;
        await EventuallyAsync(async () =>
        {
            var events = await GetJsonAsync($"/api/stacks/{StackName}/events?limit=1000");
            return events.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "apply.finished" && e.GetProperty("message").GetString()!.Contains(applyId, StringComparison.Ordinal));
        });
        return applyId;
    }

    /// <summary>Starts a run through the API and returns its id.</summary>
    public async Task<string> StartRunAsync(string workflow, object? inputs = null)
    {
        using var response = await Admin.PostAsync(new Uri($"/api/stacks/{StackName}/runs", UriKind.Relative), JsonBody(new { workflow, inputs }));
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>Waits for a run to reach <paramref name="status"/>; returns the run's detail.</summary>
    public async Task<JsonElement> WaitForRunAsync(string runId, string status)
    {
        JsonElement last = default;
        await EventuallyAsync(async () =>
        {
            last = await GetJsonAsync($"/api/stacks/{StackName}/runs/{runId}");
            return last.GetProperty("run").GetProperty("status").GetString() == status;
        });
        return last;
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Admin.GetAsync(new Uri(path, UriKind.Relative));
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    public static StringContent JsonBody(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0)
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <see cref="Patience"/>.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string? what = null) => EventuallyAsync(condition, Patience, what);

    /// <summary>Waits until <paramref name="condition"/> holds, failing after <paramref name="patience"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan patience, string? what)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting" + (what is null ? "" : " for " + what));
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops the control plane (the directory stays until disposed).</summary>
    public async Task StopAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _clients.Clear();
        if (_plane is { } plane)
        {
            _plane = null;
            await plane.DisposeAsync();
        }
    }

    /// <summary>The audit log, read from the stack's state database after the control plane stopped.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadAuditAfterStopAsync()
    {
        await StopAsync();
        StateLocation.TryResolveSqlitePath(null, Directory, out var path);
        using var protector = new AesGcmSecretProtector(StackKey);
        await using var stores = await SqliteStores.OpenAsync(path, protector, TimeProvider.System, CancellationToken.None);
        return await stores.Access.ReadAuditAsync(0, 10_000, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
