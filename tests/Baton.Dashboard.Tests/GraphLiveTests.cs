using System.Text.RegularExpressions;
using Baton.Dashboard.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>The resource graph follows an apply live: nodes go from planned through creating to ready, with no reload.</summary>
public sealed class GraphLiveTests(SlowFixture fixture, ITestOutputHelper output) : IClassFixture<SlowFixture>
{
    [Fact]
    public async Task ApplyFromTheDashboard_TurnsTheOpenGraphsNodesCreatingThenReady_WithoutAReload()
    {
        var graph = await fixture.LoggedInPageAsync();
        await graph.GotoAsync($"/stacks/{fixture.StackName}");
        var network = graph.Locator("svg.baton-graph g.node[data-address='network']");
        var server = graph.Locator("svg.baton-graph g.node[data-address='server']");
        await Expect(network).ToHaveClassAsync(new Regex(@"\bstatus-planned\b"));
        await Expect(server).ToHaveClassAsync(new Regex(@"\bstatus-planned\b"));
        await Expect(graph.Locator("#live-indicator.on")).ToBeAttachedAsync();
        // A mark on this document: a reload or navigation would lose it.
        await graph.EvaluateAsync("() => { window.batonMark = 'still here'; }");

        // Plan and apply through the dashboard's own buttons, in a second tab of the same session. The control plane may
        // refuse a plan's apply (the state changed since, or its lock is held a moment): the page then comes back with
        // the reason, and a user makes a new plan — once here, saying why.
        var controls = await graph.Context.NewPageAsync();
        for (var attempt = 1; ; attempt++)
        {
            await controls.GotoAsync($"/stacks/{fixture.StackName}/plans");
            await controls.ClickAsync("button#make-plan");
            await controls.WaitForURLAsync(new Regex(@"/plans/[^/?]+$"));
            await Expect(controls.Locator("pre.diff")).ToContainTextAsync("network");
            await controls.ClickAsync("button#apply-plan");
            await controls.WaitForURLAsync(new Regex(@"/applies/[^/]+$|[?&]error="));
            if (!controls.Url.Contains("error=", StringComparison.Ordinal))
            {
                break;
            }

            var refused = Uri.UnescapeDataString(controls.Url[(controls.Url.IndexOf("error=", StringComparison.Ordinal) + 6)..]);
            Assert.True(attempt < 2, $"the apply was refused twice: {refused}");
            output.WriteLine($"the apply was refused ({refused}); planning again");
        }

        // network takes 4s to create (time enough to see it creating on a loaded machine), server 1s after it.
        await Expect(network).ToHaveClassAsync(new Regex(@"\bstatus-creating\b"));
        await Expect(server).ToHaveClassAsync(new Regex(@"\bstatus-planned\b"));
        await Expect(network).ToHaveClassAsync(new Regex(@"\bstatus-ready\b"));
        await Expect(server).ToHaveClassAsync(new Regex(@"\bstatus-ready\b"));
        Assert.Equal("still here", await graph.EvaluateAsync<string>("() => window.batonMark"));

        // Ready is drawn green.
        var fill = await network.Locator("rect").EvaluateAsync<string>("r => getComputedStyle(r).fill");
        var stroke = await network.Locator("rect").EvaluateAsync<string>("r => getComputedStyle(r).stroke");
        var (r, g, b) = Rgb(stroke);
        Assert.True(g > r && g > b, $"a ready node's outline is green, not {stroke} (fill {fill})");
    }

    private static (int R, int G, int B) Rgb(string css)
    {
        var m = Regex.Match(css, @"rgba?\((\d+),\s*(\d+),\s*(\d+)");
        Assert.True(m.Success, "not an rgb colour: " + css);
        return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value));
    }
}
