using System.Diagnostics;
using Baton.Server.Tests.Support;
using Xunit.Abstractions;

namespace Baton.Server.Tests;

/// <summary>
/// Autoscaling against real processes behind a real nginx: a bounded client loop through the balancer makes the
/// requests per replica (from nginx's stub_status) go over the target, the service scales out within seconds with no
/// failed request, and scales back in once the load stops.
/// </summary>
public sealed class AutoscalerTests(ITestOutputHelper output)
{
    private const string Server = """
        import http.server, os
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"ok\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """;

    [Fact]
    public async Task Load_ThroughTheBalancer_ScalesOutWithinTenSecondsWithoutFailures_ThenBackIn()
    {
        var port = LoopbackPort.Free();
        var yaml = $$"""
            stack: scaled
            providers:
              nginx: {}
            resources:
              web:
                type: process.service
                properties:
                  command: [python3, server.py]
                  replicas: 1
                  port: auto
                  health: { http: /, interval: 200ms }
                  rollout: { max_surge: 1, max_unavailable: 0 }
                autoscale:
                  min: 1
                  max: 3
                  metric: rps
                  source: http://127.0.0.1:{{port}}/nginx_status
                  target: 20
                  scale_out: { window: 2s }
                  scale_in: { window: 3s, max_step: 2 }
                  drain: 1s
              lb:
                type: nginx.site
                properties:
                  listen: {{port}}
                  upstream: ${web.endpoints}
                  max_fails: 0
                  status_path: /nginx_status
            """;
        await using var server = await ServerHarness.StartAsync(yaml);
        await File.WriteAllTextAsync(Path.Combine(server.Directory, "server.py"), Server);
        try
        {
            await server.ApplyAsync(await server.PlanAsync());
            Assert.Equal(1, await ReplicasAsync(server));

            var load = LoadLoop.Start(new Uri($"http://127.0.0.1:{port}/"), workers: 4, limit: TimeSpan.FromSeconds(40));
            var started = Stopwatch.StartNew();
            TimeSpan scaledOut;
            try
            {
                await ServerHarness.EventuallyAsync(async () => await ReplicasAsync(server) >= 2 && await LbHasAsync(server, 2), TimeSpan.FromSeconds(10), "scale-out within 10 s of the load starting");
                scaledOut = started.Elapsed;
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            finally
            {
                await load.StopAsync();
            }

            Assert.True(load.Requests > 100, $"the load loop sent {load.Requests} requests");
            Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} of {load.Requests} requests failed: {string.Join("; ", load.Failures.Take(5))}");

            var stopped = Stopwatch.StartNew();
            await ServerHarness.EventuallyAsync(async () => await ReplicasAsync(server) == 1, TimeSpan.FromSeconds(30), "scale-in after the load stopped");
            output.WriteLine($"scaled out {scaledOut.TotalSeconds:F1} s after the load started; {load.Requests} requests, {load.Failures.Count} failed; back to 1 replica {stopped.Elapsed.TotalSeconds:F1} s after it stopped");
            var status = await server.GetJsonAsync($"/api/stacks/{server.StackName}/autoscalers");
            var history = status[0].GetProperty("history");
            Assert.True(history.GetArrayLength() > 5, "the autoscaler keeps its history for the chart");
            Assert.Contains(history.EnumerateArray(), s => s.GetProperty("desired").GetInt32() > 1);
            var events = await server.GetJsonAsync("/api/events/recent?limit=1000");
            var decisions = events.EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "scaling.decision").Select(e => e.GetProperty("message").GetString()!).ToList();
            Assert.Contains(decisions, d => d.Contains("1 → ", StringComparison.Ordinal));
            Assert.Contains(decisions, d => d.Contains("→ 1 replicas", StringComparison.Ordinal));
            Assert.True(scaledOut < TimeSpan.FromSeconds(10), $"scaled out after {scaledOut}");
        }
        finally
        {
            await ReconcilerTests.DestroyAsync(server);
        }
    }

    private static async Task<int> ReplicasAsync(ServerHarness server)
    {
        var web = await server.GetJsonAsync($"/api/stacks/{server.StackName}/resources/web");
        return web.GetProperty("outputs").GetProperty("endpoints").GetArrayLength();
    }

    private static async Task<bool> LbHasAsync(ServerHarness server, int upstreams)
    {
        var lb = await server.GetJsonAsync($"/api/stacks/{server.StackName}/resources/lb");
        return lb.GetProperty("inputs").GetProperty("upstream").GetArrayLength() >= upstreams;
    }
}
