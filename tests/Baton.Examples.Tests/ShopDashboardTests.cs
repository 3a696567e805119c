using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Baton.Examples.Tests;

/// <summary>
/// <c>baton up examples/shop</c> through the real command, against real PostgreSQL, S3 and nginx: the control plane
/// comes up with its dashboard, a person logs in with the printed URL in real Chromium, sees every resource ready on
/// the graph, runs the backup runbook and watches it succeed; a bounded client loop through the load balancer makes the
/// autoscaler add replicas within 10 s with no failed request, and take them away after; screenshots of the main
/// pages are saved; no page shows a secret; SIGTERM stops the control plane and leaves the shop running.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes the servers through IAsyncLifetime.DisposeAsync")]
public sealed class ShopDashboardTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly string[] ChromiumArguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private readonly PostgresServer _postgres = new();
    private readonly S3rverServer _s3 = new();
    private readonly string _stack = Path.Combine(Path.GetTempPath(), "baton-shop-ui-" + Guid.NewGuid().ToString("N")[..10]);
    private string _varFile = "";

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_postgres.InitializeAsync(), _s3.InitializeAsync());
        // A low target, so that the client loop is well over it even on a machine busy with other tests.
        _varFile = await ShopStack.PrepareAsync(_stack, _postgres, _s3, "shop-" + Guid.NewGuid().ToString("N")[..10], new Dictionary<string, JsonNode>
        {
            ["target_rps"] = 5,
            ["max_replicas"] = 5,
        });
    }

    public async Task DisposeAsync()
    {
        try
        {
            var down = await BatonProcess.RunAsync(_stack, Patience, "down", _stack, "--auto-approve", "--var-file", _varFile);
            output.WriteLine($"baton down -> {down.ExitCode}");
        }
        finally
        {
            await _s3.DisposeAsync();
            await _postgres.DisposeAsync();
            if (Directory.Exists(_stack))
            {
                Directory.Delete(_stack, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Up_ServesTheShopWithItsDashboard_ABackupRunsFromIt_AndSigtermLeavesTheShopRunning()
    {
        var clock = Stopwatch.StartNew();
        using var up = Start("up", _stack, "--var-file", _varFile, "--listen", "127.0.0.1:0");
        try
        {
            var (dashboard, token) = await ReadAddressAsync(up);
            output.WriteLine($"baton up served after {clock.Elapsed.TotalSeconds:0.0} s");
            var origin = new Uri(dashboard.GetLeftPart(UriPartial.Authority));
            using var api = new HttpClient { BaseAddress = origin, Timeout = TimeSpan.FromSeconds(60) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.Path, Headless = true, Args = ChromiumArguments });
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = origin.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
            var page = await context.NewPageAsync();

            // The URL baton up printed logs in (its token rides in the fragment) and lands on the stacks page.
            await page.GotoAsync(dashboard.ToString());
            await Expect(page.Locator("table.grid a[href='/stacks/shop']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Shot(page, "shop-stacks");

            // Every resource of the shop is on the graph, and ready.
            await page.GotoAsync("/stacks/shop");
            var nodes = page.Locator("svg.baton-graph g.node");
            await Expect(nodes).ToHaveCountAsync(7);
            await Expect(page.Locator("svg.baton-graph g.node.status-ready")).ToHaveCountAsync(7, new() { Timeout = 30_000 });
            await Shot(page, "shop-graph");
            await page.Locator("svg.baton-graph g.node[data-address='web']").ClickAsync();
            await Expect(page.Locator("h2.resource-title")).ToContainTextAsync("web");
            await Shot(page, "shop-resource-web");

            // The backup runbook, started through the API, is watched to its end on its run page.
            using var started = await api.PostAsJsonAsync(new Uri("/api/stacks/shop/runs", UriKind.Relative), new { workflow = "backup" });
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            await page.GotoAsync($"/stacks/shop/runs/{runId}");
            await Expect(page.Locator("#run-status")).ToHaveTextAsync("succeeded", new() { Timeout = 120_000 });
            await Expect(page.Locator("tr[data-step='verify_restore'] .badge")).ToHaveTextAsync("succeeded");
            await Shot(page, "shop-run-backup");

            await page.GotoAsync("/stacks/shop/applies");
            await Expect(page.Locator(".chart svg.baton-timeline g.bar")).ToHaveCountAsync(7);
            await Shot(page, "shop-applies");
            await page.GotoAsync("/stacks/shop/runs");
            await Shot(page, "shop-runs");
            await page.GotoAsync("/events?stack=shop");
            await Shot(page, "shop-events");

            // Load through the balancer: nginx counts the requests, the autoscaler adds replicas within seconds (each
            // joins the balancer once healthy), no request fails; after the load, it scales back to the floor.
            var shopUrl = (await api.GetFromJsonAsync<JsonElement>(new Uri("/api/stacks/shop", UriKind.Relative))).GetProperty("outputs").GetProperty("url").GetString()!;
            var loadClock = Stopwatch.StartNew();
            TimeSpan decided;
            TimeSpan scaledOut;
            var load = LoadLoop.Start(new Uri(shopUrl + "/products"), workers: 4, limit: TimeSpan.FromSeconds(60));
            try
            {
                // The decision comes within 10 s of the load starting; the new replicas serve once they are healthy
                // (a .NET application's start, slower on a busy machine).
                await WaitUntilAsync(async () => await ScaleOutDecidedAsync(api), TimeSpan.FromSeconds(10), "a scale-out decision within 10 s of the load starting");
                decided = loadClock.Elapsed;
                await WaitUntilAsync(async () => await ReplicasAsync(api) > 3, TimeSpan.FromSeconds(30), "the new replicas serving");
                scaledOut = loadClock.Elapsed;
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
            finally
            {
                await load.StopAsync();
            }

            output.WriteLine($"scale-out decided {decided.TotalSeconds:0.0} s and serving {scaledOut.TotalSeconds:0.0} s after the load started; {load.Requests} requests, {load.Failures.Count} failed");
            Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} of {load.Requests} requests failed: {string.Join("; ", load.Failures.Take(5))}");
            await page.GotoAsync("/stacks/shop/scaling");
            await Expect(page.Locator("section.scaling[data-address='web'] svg.baton-scaling circle.change")).Not.ToHaveCountAsync(0);
            await Shot(page, "shop-scaling");
            var idle = Stopwatch.StartNew();
            await WaitUntilAsync(async () => await ReplicasAsync(api) == 3, TimeSpan.FromSeconds(90), "the scale-in back to 3 replicas");
            output.WriteLine($"back to 3 replicas {idle.Elapsed.TotalSeconds:0.0} s after the load stopped");

            // No page shows the PostgreSQL admin password the stack was given.
            foreach (var path in new[] { "/", "/stacks/shop", "/stacks/shop/resources/web", "/stacks/shop/resources/role", $"/stacks/shop/runs/{runId}", "/events" })
            {
                await page.GotoAsync(path);
                Assert.DoesNotContain(_postgres.Password, await page.ContentAsync(), StringComparison.Ordinal);
            }

            // SIGTERM stops the control plane; the shop keeps serving.
            var url = shopUrl;
            using (var kill = Process.Start("kill", ["-TERM", up.Process.Id.ToString(CultureInfo.InvariantCulture)])!)
            {
                await kill.WaitForExitAsync();
            }

            using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                await up.Process.WaitForExitAsync(limit.Token);
            }

            Assert.Equal(0, up.Process.ExitCode);
            using var shop = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var products = await shop.GetStringAsync(new Uri(url + "/products"));
            Assert.Contains("Metronome", products, StringComparison.Ordinal);
            output.WriteLine($"done after {clock.Elapsed.TotalSeconds:0.0} s; screenshots in {Artifacts.Screenshots}");
        }
        finally
        {
            if (!up.Process.HasExited)
            {
                up.Process.Kill(entireProcessTree: true);
                await up.Process.WaitForExitAsync();
            }
        }
    }

    private static async Task<bool> ScaleOutDecidedAsync(HttpClient api) =>
        (await api.GetFromJsonAsync<JsonElement>(new Uri("/api/events/recent?stack=shop&limit=1000", UriKind.Relative))).EnumerateArray()
            .Any(e => e.GetProperty("kind").GetString() == "scaling.decision" && e.GetProperty("message").GetString()!.StartsWith("web: 3 → ", StringComparison.Ordinal));

    private static async Task<int> ReplicasAsync(HttpClient api) =>
        (await api.GetFromJsonAsync<JsonElement>(new Uri("/api/stacks/shop/resources/web", UriKind.Relative))).GetProperty("outputs").GetProperty("endpoints").GetArrayLength();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan patience, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < patience, $"timed out waiting for {what}");
            await Task.Delay(250);
        }
    }

    private static async Task Shot(IPage page, string name)
    {
        var path = Path.Combine(Artifacts.Screenshots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, $"{path} is too small to show the page");
    }

    private static Running Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(BatonProcess.CliPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        var lines = Channel.CreateUnbounded<string>();
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                await lines.Writer.WriteAsync(line);
            }

            lines.Writer.Complete();
        });
        return new Running(process, lines.Reader, process.StandardError.ReadToEndAsync());
    }

    private static async Task<(Uri Dashboard, string Token)> ReadAddressAsync(Running up)
    {
        var seen = new List<string>();
        using var limit = new CancellationTokenSource(Patience);
        Uri? dashboard = null;
        string? token = null;
        while (dashboard is null || token is null)
        {
            if (!await up.Lines.WaitToReadAsync(limit.Token))
            {
                Assert.Fail($"baton up ended before serving:\n{string.Join('\n', seen)}\n{await up.Errors}");
            }

            var line = await up.Lines.ReadAsync(limit.Token);
            seen.Add(line);
            if (line.TrimStart().StartsWith("Dashboard:", StringComparison.Ordinal))
            {
                dashboard = new Uri(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
            }
            else if (line.Contains("Session token (admin", StringComparison.Ordinal))
            {
                token = line[line.IndexOf("bt_", StringComparison.Ordinal)..].Trim();
            }
        }

        return (dashboard, token);
    }

    private sealed record Running(Process Process, ChannelReader<string> Lines, Task<string> Errors) : IDisposable
    {
        public void Dispose() => Process.Dispose();
    }
}
