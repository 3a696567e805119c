using System.Text.RegularExpressions;
using Baton.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>A run waiting at an approval step is approved or rejected from its page, which then follows it to the end.</summary>
public sealed class ApprovalTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task Approve_OnTheRunPage_RunSucceeds_ShownLive()
    {
        var (page, runId) = await OpenWaitingRunAsync();
        try
        {
            await page.Locator("tr[data-step='gate'] input[name=comment]").FillAsync("looks good");
            await page.Locator("tr[data-step='gate'] button.approve").ClickAsync();

            await Expect(page.Locator("#run-status")).ToHaveTextAsync("succeeded");
            await Expect(page.Locator("#run-status")).ToHaveClassAsync(new Regex(@"\bstatus-ok\b"));
            await Expect(page.Locator("tr[data-step='gate'] button.approve")).ToHaveCountAsync(0);
            await Expect(page.Locator("tr[data-step='gate']")).ToContainTextAsync("succeeded");
        }
        finally
        {
            await fixture.FinishRunAsync(runId);
        }
    }

    [Fact]
    public async Task Reject_OnTheRunPage_RunFails_ShownLive()
    {
        var (page, runId) = await OpenWaitingRunAsync();
        try
        {
            await page.Locator("tr[data-step='gate'] button.reject").ClickAsync();

            await Expect(page.Locator("#run-status")).ToHaveTextAsync("failed");
            await Expect(page.Locator("#run-status")).ToHaveClassAsync(new Regex(@"\bstatus-bad\b"));
            await Expect(page.Locator("tr[data-step='gate']")).ToContainTextAsync("failed");
        }
        finally
        {
            await fixture.FinishRunAsync(runId);
        }
    }

    /// <summary>Starts the gated workflow through the API and opens its page, where the Approve button appears live.</summary>
    private async Task<(IPage Page, string RunId)> OpenWaitingRunAsync()
    {
        var page = await fixture.LoggedInPageAsync();
        var runId = await fixture.Server.StartRunAsync("gated");
        await page.GotoAsync($"/stacks/{fixture.StackName}/runs/{runId}");
        await Expect(page.Locator("tr[data-step='gate'] button.approve")).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-step='gate']")).ToContainTextAsync("waiting approval");
        return (page, runId);
    }
}
