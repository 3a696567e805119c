using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>
/// A sensitive value used by a resource and by a run never comes back from any read endpoint or the live stream,
/// though it is really in the files the stack wrote (so the scan is not vacuous).
/// </summary>
public sealed class SecretScanTests
{
    private const string Secret = TestStacks.Secret;

    [Fact]
    public async Task EveryReadEndpointAndTheStream_NeverCarryTheSecretOrItsHash()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Vault);
        var plan = await server.PlanAsync();
        await server.ApplyAsync(plan);
        var runId = await server.StartRunAsync("use-secret", new { token = Secret });
        await server.WaitForRunAsync(runId, "succeeded");
        Assert.Equal($"password={Secret}\n", await File.ReadAllTextAsync(Path.Combine(server.Directory, "out", "app.conf")));
        Assert.Equal($"{Secret} {Secret}", await File.ReadAllTextAsync(Path.Combine(server.Directory, "out", "from-run.txt")));

        var bodies = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task<string> Get(string path)
        {
            using var response = await server.Admin.GetAsync(new Uri(path, UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
            bodies[path] = text;
            return text;
        }

        await Get("/api/stacks");
        await Get("/api/stacks/vault");
        var resources = JsonDocument.Parse(await Get("/api/stacks/vault/resources")).RootElement;
        Assert.NotEqual(0, resources.GetArrayLength());
        foreach (var resource in resources.EnumerateArray())
        {
            await Get("/api/stacks/vault/resources/" + resource.GetProperty("address").GetString());
        }

        await Get("/api/stacks/vault/events?limit=1000");
        await Get("/api/stacks/vault/applies");
        var plans = JsonDocument.Parse(await Get("/api/stacks/vault/plans")).RootElement;
        Assert.NotEqual(0, plans.GetArrayLength());
        await Get($"/api/stacks/vault/plans/{plan}");
        await Get("/api/stacks/vault/runs");
        var run = await Get($"/api/stacks/vault/runs/{runId}");
        Assert.Contains("(sensitive)", run, StringComparison.Ordinal);
        await Get("/api/stacks/vault/lock");
        await Get("/api/events/recent?limit=1000");
        await Get("/openapi/v1.json");
        await using (var stream = await EventStream.OpenAsync(server.Admin, "/api/events/stream?after=0"))
        {
            var frames = await stream.ReadForAsync(TimeSpan.FromSeconds(2));
            Assert.NotEmpty(frames);
            bodies["stream"] = stream.Raw;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Secret)));
        var hashOfLine = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"password={Secret}\n")));
        foreach (var (path, body) in bodies)
        {
            Assert.False(body.Contains(Secret, StringComparison.OrdinalIgnoreCase), $"{path} carries the secret: {body}");
            Assert.False(body.Contains(hash, StringComparison.OrdinalIgnoreCase), $"{path} carries the secret's SHA-256: {body}");
            Assert.False(body.Contains(hashOfLine, StringComparison.OrdinalIgnoreCase), $"{path} carries the SHA-256 of the file holding the secret: {body}");
        }
    }
}
