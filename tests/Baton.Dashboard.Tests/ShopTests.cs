using Baton.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>An applied stack's apply timeline, and a screenshot of every main page.</summary>
public sealed class ShopTests(ShopFixture fixture) : IClassFixture<ShopFixture>
{
    [Fact]
    public async Task AppliesPage_DrawsOneBarPerOperation_WithTheCriticalPathMarked()
    {
        var applyId = await fixture.AppliedAsync();
        var operations = (await fixture.Server.GetJsonAsync($"/api/stacks/{fixture.StackName}/resources")).GetArrayLength();
        var page = await fixture.LoggedInPageAsync();

        await page.GotoAsync($"/stacks/{fixture.StackName}/applies");

        var chart = page.Locator(".chart svg.baton-timeline");
        await Expect(chart).ToBeVisibleAsync();
        await Expect(page.Locator("section.timeline h2")).ToContainTextAsync(applyId[^8..]);
        await Expect(chart.Locator("g.bar")).ToHaveCountAsync(operations);
        Assert.True(operations >= 6, $"the shop has 7 resources, the API lists {operations}");
        Assert.True(await chart.Locator("g.bar.critical").CountAsync() >= 1, "no bar is on the critical path");
        // The path runs network → database → a worker → balancer → config: the slow database is on it, the cache is not.
        await Expect(chart.Locator("g.bar.critical[data-id='database']")).ToHaveCountAsync(1);
        await Expect(chart.Locator("g.bar.critical[data-id='cache']")).ToHaveCountAsync(0);
        await Expect(chart.Locator("g.bar[data-id='network'] rect.bar-rect")).ToBeVisibleAsync();
        await Expect(chart.Locator("g.bar[data-id='network'] text.bar-label")).ToContainTextAsync("network");
        var width = await chart.Locator("g.bar[data-id='database'] rect.bar-rect").GetAttributeAsync("width");
        Assert.True(double.Parse(width!) > 1, "the database bar has no length");

        // The history table links the apply to the same chart.
        await page.Locator($"table.grid a[href$='/applies/{applyId}']").ClickAsync();
        await Expect(page.Locator(".chart svg.baton-timeline g.bar")).ToHaveCountAsync(operations);
    }

    [Fact]
    public async Task PlansPage_NamesEachPlanDistinctly_AndLinksItsApply()
    {
        var applyId = await fixture.AppliedAsync();
        var first = await fixture.Server.PlanAsync();
        var second = await fixture.Server.PlanAsync();
        var page = await fixture.LoggedInPageAsync();

        await page.GotoAsync($"/stacks/{fixture.StackName}/plans/{second}");

        var names = await page.Locator("table.grid tbody td:first-child a").AllTextContentsAsync();
        Assert.True(names.Count >= 3, $"expected at least 3 plans, saw {names.Count}");
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.NotEqual(
            await page.Locator($"table.grid a[href$='/plans/{first}']").TextContentAsync(),
            await page.Locator($"table.grid a[href$='/plans/{second}']").TextContentAsync());
        await Expect(page.Locator("section.plan h2")).ToContainTextAsync(second[^8..]);
        await page.Locator($"table.grid a[href$='/applies/{applyId}']").ClickAsync();
        await Expect(page.Locator("section.timeline h2")).ToContainTextAsync(applyId[^8..]);
    }

    [Fact]
    public async Task EveryMainPage_Screenshot()
    {
        await fixture.AppliedAsync();
        var planId = await fixture.Server.PlanAsync();
        var runId = await fixture.Server.StartRunAsync("release");
        try
        {
            await ScreenshotsAsync(planId, runId);
        }
        finally
        {
            await fixture.FinishRunAsync(runId);
        }
    }

    private async Task ScreenshotsAsync(string planId, string runId)
    {
        var page = await fixture.LoggedInPageAsync();
        var stack = fixture.StackName;
        var directory = Artifacts.Screenshots;

        var shots = new (string Name, string Path, string Ready)[]
        {
            ("stacks", "/", $"table.grid a[href='/stacks/{stack}']"),
            ("graph", $"/stacks/{stack}", "svg.baton-graph g.node.status-ready[data-address='database']"),
            ("resource", $"/stacks/{stack}/resources/database", "h2.resource-title"),
            ("plan", $"/stacks/{stack}/plans/{planId}", "pre.diff"),
            ("applies", $"/stacks/{stack}/applies", ".chart svg.baton-timeline g.bar.critical"),
            ("runs", $"/stacks/{stack}/runs", $"table.grid a[href$='/runs/{runId}']"),
            ("run", $"/stacks/{stack}/runs/{runId}", "tr[data-step='gate'] button.approve"),
            ("events", "/events", "table.events tbody tr"),
        };

        foreach (var (name, path, ready) in shots)
        {
            await page.GotoAsync(path);
            await Expect(page.Locator(ready).First).ToBeVisibleAsync();
            var file = Path.Combine(directory, $"dashboard-{name}.png");
            File.Delete(file);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        }

        foreach (var (name, _, _) in shots)
        {
            var file = new FileInfo(Path.Combine(directory, $"dashboard-{name}.png"));
            Assert.True(file.Exists, file.FullName + " was not written");
            Assert.True(file.Length > 10_000, $"{file.FullName} is only {file.Length} bytes");
            var header = new byte[8];
            await using (var stream = file.OpenRead())
            {
                await stream.ReadExactlyAsync(header);
            }

            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], header);
        }
    }
}
