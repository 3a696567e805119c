using Baton.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>A sensitive variable and a sensitive run input never reach a rendered page, though they are really in use.</summary>
public sealed class SecretTests(VaultFixture fixture) : IClassFixture<VaultFixture>
{
    [Fact]
    public async Task RenderedPages_NeverContainTheSecret()
    {
        var stack = fixture.StackName;
        var planId = await fixture.Server.PlanAsync();
        await fixture.Server.ApplyAsync(planId);
        var runId = await fixture.Server.StartRunAsync("use-secret", new { token = Stacks.Secret });
        await fixture.Server.WaitForRunAsync(runId, "succeeded");
        // The secret is really in what the stack and the run wrote, so the scan below is not vacuous.
        Assert.Contains(Stacks.Secret, await File.ReadAllTextAsync(Path.Combine(fixture.Server.Directory, "out", "app.conf")), StringComparison.Ordinal);
        Assert.Contains(Stacks.Secret, await File.ReadAllTextAsync(Path.Combine(fixture.Server.Directory, "out", "from-run.txt")), StringComparison.Ordinal);
        var page = await fixture.LoggedInPageAsync();

        var pages = new (string Path, string Shows)[]
        {
            ("/", $"table.grid a[href='/stacks/{stack}']"),
            ($"/stacks/{stack}", "svg.baton-graph g.node.status-ready[data-address='config']"),
            ($"/stacks/{stack}/resources/config", "table.kv"),
            ($"/stacks/{stack}/plans/{planId}", "pre.diff"),
            ($"/stacks/{stack}/applies", ".chart svg.baton-timeline"),
            ($"/stacks/{stack}/runs", $"a[href$='/runs/{runId}']"),
            ($"/stacks/{stack}/runs/{runId}", "tr[data-step='echo']"),
            ("/events", "table.events tbody tr"),
            ($"/events?stack={stack}", "table.events tbody tr"),
        };

        foreach (var (path, shows) in pages)
        {
            await page.GotoAsync(path);
            await Expect(page.Locator(shows).First).ToBeVisibleAsync();
            var html = await page.ContentAsync();
            Assert.False(html.Contains(Stacks.Secret, StringComparison.Ordinal), $"{path} shows the secret");
            Assert.False(html.Contains("Zebra-Quartz", StringComparison.Ordinal), $"{path} shows part of the secret");
        }

        // The run page shows the step's outputs (masked), not nothing at all.
        await page.GotoAsync($"/stacks/{stack}/runs/{runId}");
        await Expect(page.Locator("#run-status")).ToHaveTextAsync("succeeded");
        await Expect(page.Locator("tr[data-step='echo']")).ToContainTextAsync("succeeded");
    }
}
