using System.Diagnostics;
using System.Text.Json;
using Baton.Server.Tests.Support;
using Xunit.Abstractions;

namespace Baton.Server.Tests;

/// <summary>
/// The control plane keeps a stack right by itself: a replica killed outside Baton is started again by an ordinary
/// apply, a replica that keeps dying is healed with growing waits, and drift is reported (and corrected when the stack
/// says so) — each an event on the stream, against real processes and files.
/// </summary>
public sealed class ReconcilerTests(ITestOutputHelper output)
{
    private const string Server = """
        import http.server, os
        http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), http.server.SimpleHTTPRequestHandler).serve_forever()
        """;

    private static string Stack(string drift, string command = "[python3, server.py]") => $$"""
        stack: keep
        drift: {{drift}}
        reconcile: { health_interval: 300ms, refresh_interval: 1s }
        providers:
          file: { roots: [out] }
        resources:
          web:
            type: process.service
            properties:
              command: {{command}}
              replicas: 2
              port: auto
          note:
            type: file.file
            properties: { path: out/note.txt, content: "keep me" }
        workflows:
          on-drift:
            triggers:
              - { event: resource.drifted, resource: note }
            steps:
              record:
                uses: exec
                with: { command: [sh, -c, 'echo drifted >> out/drift.log'] }
        """;

    [Fact]
    public async Task KilledReplica_IsStartedAgainByAnApply_AndTheStreamSaysSo()
    {
        await using var server = await StartAsync(Stack("report"));
        try
        {
            var before = await PidsAsync(server);
            Assert.Equal(2, before.Count);
            var stopwatch = Stopwatch.StartNew();
            Process.GetProcessById(before[0]).Kill();

            await ServerHarness.EventuallyAsync(async () => await HasEventAsync(server, "heal.finished"), "heal.finished");
            var after = await PidsAsync(server);
            Assert.Equal(2, after.Count);
            Assert.DoesNotContain(before[0], after);
            Assert.Contains(before[1], after);
            Assert.All(after, pid => Assert.False(Process.GetProcessById(pid).HasExited));
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"healed after {stopwatch.Elapsed}");
            output.WriteLine($"a killed replica was running again {stopwatch.Elapsed.TotalSeconds:0.0} s after the kill");
            Assert.True(await HasEventAsync(server, "resource.unhealthy"));
            await ServerHarness.EventuallyAsync(async () => await HealthAsync(server) == "healthy", "web healthy again in the API");
            var applies = await server.GetJsonAsync($"/api/stacks/{server.StackName}/applies");
            Assert.True(applies.GetArrayLength() >= 2, "the heal is an ordinary apply in the history");
        }
        finally
        {
            await DestroyAsync(server);
        }
    }

    [Fact]
    public async Task ReplicaFailingItsHealthCheck_IsReportedAfterTheThreshold_ShownInTheApi_AndReplaced()
    {
        var yaml = Stack("report").Replace("      port: auto\n", "      port: auto\n      health: { http: /ok, interval: 200ms }\n", StringComparison.Ordinal);
        await using var server = await ServerHarness.StartAsync(yaml);
        await File.WriteAllTextAsync(Path.Combine(server.Directory, "server.py"), Server);
        await File.WriteAllTextAsync(Path.Combine(server.Directory, "ok"), "ok");
        try
        {
            await server.ApplyAsync(await server.PlanAsync());
            await ServerHarness.EventuallyAsync(async () => await HealthAsync(server) == "healthy", "web healthy");

            // The replicas keep running but their health path now answers 404.
            File.Delete(Path.Combine(server.Directory, "ok"));
            await ServerHarness.EventuallyAsync(async () => (await RecentAsync(server)).Any(e => e.Kind == "resource.unhealthy" && e.Message.Contains("failed its health check 3 times", StringComparison.Ordinal)), "resource.unhealthy after 3 failed checks");
            await ServerHarness.EventuallyAsync(async () => await HealthAsync(server) == "down", "web down in the API");
            var before = await PidsAsync(server);

            // With the health path back, the reconciler's replacement of the failing replicas succeeds: new processes,
            // healthy again.
            await File.WriteAllTextAsync(Path.Combine(server.Directory, "ok"), "ok");
            await ServerHarness.EventuallyAsync(async () => (await RecentAsync(server)).Any(e => e.Kind == "heal.finished" && e.Message.Contains("replacing unhealthy replica", StringComparison.Ordinal)), "an unhealthy replica replaced");
            await ServerHarness.EventuallyAsync(async () => await HealthAsync(server) == "healthy", "web healthy again");
            var after = await PidsAsync(server);
            Assert.NotEqual(before.Order(), after.Order());
        }
        finally
        {
            await DestroyAsync(server);
        }
    }

    [Fact]
    public async Task ProviderDown_IsReportedOnceWithoutCrashing_AndItsRecoveryToo()
    {
        await using var s3 = await S3rverServer.StartAsync();
        var yaml = $$"""
            stack: store
            reconcile: { health_interval: 300ms, refresh_interval: 1s }
            providers:
              s3: { endpoint: "{{s3.Endpoint}}", access_key: {{S3rverServer.AccessKey}}, secret_key: {{S3rverServer.SecretKey}}, force_path_style: true }
            resources:
              files:
                type: s3.bucket
                properties: { name: store-{{Guid.NewGuid().ToString("N")[..8]}}, force_destroy: true }
            """;
        await using var server = await ServerHarness.StartAsync(yaml);
        try
        {
            await server.ApplyAsync(await server.PlanAsync());

            await s3.StopAsync();
            await ServerHarness.EventuallyAsync(async () => (await RecentAsync(server)).Any(e => e.Kind == "refresh.failed" && e.Message.Contains("files", StringComparison.Ordinal)), "refresh.failed while S3 is down");
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Single(await RecentAsync(server), e => e.Kind == "refresh.failed");
            Assert.DoesNotContain(await RecentAsync(server), e => e.Kind is "drift.detected" or "reconcile.failed");
            using (var stacks = await server.Admin.GetAsync(new Uri("/api/stacks", UriKind.Relative)))
            {
                Assert.True(stacks.IsSuccessStatusCode, "the control plane keeps answering");
            }

            await s3.RestartAsync();
            await ServerHarness.EventuallyAsync(async () => (await RecentAsync(server)).Any(e => e.Kind == "refresh.recovered"), "refresh.recovered once S3 is back");
        }
        finally
        {
            await DestroyAsync(server);
        }
    }

    [Fact]
    public async Task DeletedFile_WithDriftReport_IsReportedAndStartsItsWorkflow_ButNotRecreated()
    {
        await using var server = await StartAsync(Stack("report"));
        try
        {
            var note = Path.Combine(server.Directory, "out", "note.txt");
            File.Delete(note);
            await ServerHarness.EventuallyAsync(async () => await HasEventAsync(server, "drift.detected"), "drift.detected");
            await ServerHarness.EventuallyAsync(() => Task.FromResult(File.Exists(Path.Combine(server.Directory, "out", "drift.log"))), "the on-drift workflow ran");
            Assert.True((await server.GetJsonAsync($"/api/stacks/{server.StackName}/resources/note")).GetProperty("drifted").GetBoolean(), "the API shows the drift");
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(File.Exists(note), "drift: report must not change anything");
            Assert.False(await HasEventAsync(server, "drift.corrected"));
        }
        finally
        {
            await DestroyAsync(server);
        }
    }

    [Fact]
    public async Task DeletedFile_WithDriftCorrect_IsCreatedAgain()
    {
        await using var server = await StartAsync(Stack("correct"));
        try
        {
            var note = Path.Combine(server.Directory, "out", "note.txt");
            var stopwatch = Stopwatch.StartNew();
            File.Delete(note);
            await ServerHarness.EventuallyAsync(() => Task.FromResult(File.Exists(note)), "note.txt created again");
            output.WriteLine($"a deleted file was created again {stopwatch.Elapsed.TotalSeconds:0.0} s after the deletion");
            Assert.Equal("keep me", await File.ReadAllTextAsync(note));
            await ServerHarness.EventuallyAsync(async () => await HasEventAsync(server, "drift.corrected"), "drift.corrected");
        }
        finally
        {
            await DestroyAsync(server);
        }
    }

    [Fact]
    public async Task ReplicaThatKeepsDying_IsHealedWithGrowingBackoff()
    {
        // Each replica lives a moment, then exits: healing it again at once would spin.
        await using var server = await StartAsync(Stack("report", "[python3, -c, 'import time; time.sleep(0.6)']"));
        try
        {
            await ServerHarness.EventuallyAsync(async () => await HasEventAsync(server, "heal.backoff"), "heal.backoff");
            var events = await RecentAsync(server);
            var heals = events.Count(e => e.Kind == "heal.finished");
            Assert.True(heals >= 1, "it was healed before backing off");
            Assert.Contains(events, e => e.Kind == "heal.backoff" && e.Message.Contains("crash-loop backoff", StringComparison.Ordinal));
        }
        finally
        {
            await DestroyAsync(server);
        }
    }

    private static async Task<ServerHarness> StartAsync(string yaml)
    {
        var server = await ServerHarness.StartAsync(yaml);
        await File.WriteAllTextAsync(Path.Combine(server.Directory, "server.py"), Server);
        var plan = await server.PlanAsync();
        await server.ApplyAsync(plan);
        return server;
    }

    private static async Task<List<int>> PidsAsync(ServerHarness server)
    {
        var web = await server.GetJsonAsync($"/api/stacks/{server.StackName}/resources/web");
        return [.. web.GetProperty("outputs").GetProperty("pids").EnumerateArray().Select(p => p.GetInt32())];
    }

    private static async Task<string?> HealthAsync(ServerHarness server)
    {
        var web = await server.GetJsonAsync($"/api/stacks/{server.StackName}/resources/web");
        return web.GetProperty("health") is { ValueKind: JsonValueKind.Object } health ? health.GetProperty("state").GetString() : null;
    }

    private static async Task<List<(string Kind, string Message)>> RecentAsync(ServerHarness server)
    {
        var recent = await server.GetJsonAsync("/api/events/recent?limit=1000");
        return [.. recent.EnumerateArray().Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("message").GetString() ?? ""))];
    }

    private static async Task<bool> HasEventAsync(ServerHarness server, string kind) => (await RecentAsync(server)).Any(e => e.Kind == kind);

    internal static async Task DestroyAsync(ServerHarness server)
    {
        // The reconciler may hold the stack's lock for a heal at this moment (a plan or an apply is then refused with
        // 409): try again until the destroy is accepted, then wait for it to finish.
        await ServerHarness.EventuallyAsync(async () =>
        {
            using var response = await server.Admin.PostAsync(new Uri($"/api/stacks/{server.StackName}/plans", UriKind.Relative), ServerHarness.JsonBody(new { destroy = true }));
            var plan = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (!plan.TryGetProperty("id", out var id))
            {
                await Task.Delay(200);
                return false;
            }

            using var applied = await server.Admin.PostAsync(new Uri($"/api/stacks/{server.StackName}/plans/{id.GetString()}/apply", UriKind.Relative), null);
            return applied.StatusCode == System.Net.HttpStatusCode.Accepted;
        }, "the destroy accepted");
        await ServerHarness.EventuallyAsync(async () => (await server.GetJsonAsync($"/api/stacks/{server.StackName}/resources")).GetArrayLength() == 0, "everything destroyed");
    }
}
