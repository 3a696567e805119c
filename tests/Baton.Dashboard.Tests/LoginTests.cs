using System.Text.RegularExpressions;
using Baton.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>Logging in with a token: from the URL fragment <c>baton up</c> prints, with a wrong token, and not at all.</summary>
public sealed class LoginTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task TokenInTheFragment_SubmitsItself_AndLandsOnTheStacksPage()
    {
        var page = await fixture.LoggedInPageAsync();

        await Expect(page).ToHaveTitleAsync(new Regex("^Stacks"));
        await Expect(page.Locator($"table.grid a[href='/stacks/{fixture.StackName}']")).ToHaveTextAsync(fixture.StackName);
        // The fragment is gone from the address bar once used.
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("header.top .who")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task WrongToken_StaysOnTheLoginPage_AndSaysSo()
    {
        var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/login#token=bt_not-a-real-token");

        await Expect(page.Locator("section.login p.error[role=alert]")).ToContainTextAsync("not valid");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "baton_session");
        var response = await page.GotoAsync("/");
        Assert.Equal("/login", new Uri(response!.Url).AbsolutePath);
    }

    [Fact]
    public async Task UnauthenticatedVisit_RedirectsToTheLoginPage_AndBackAfterLoggingIn()
    {
        var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync($"/stacks/{fixture.StackName}/runs");

        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        await page.FillAsync("#token", fixture.SessionToken);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForURLAsync(new Regex(Regex.Escape($"/stacks/{fixture.StackName}/runs") + "$"));
        await Expect(page.Locator("nav.tabs a.active")).ToHaveTextAsync("Runs");
    }

    [Fact]
    public async Task Logins_DashboardWrites_AndLogouts_AreInTheAuditLog()
    {
        var operatorToken = await fixture.Server.CreateTokenAsync("operator");
        var operatorActor = $"token:{operatorToken.Split('_')[1]} (operator)";
        var after = await LastAuditIdAsync();
        var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/login");
        await page.FillAsync("#token", "bt_0123456789ab_not-the-secret");
        await page.ClickAsync("#login-form button[type=submit]");
        await Expect(page.Locator("section.login p.error[role=alert]")).ToContainTextAsync("not valid");
        await page.FillAsync("#token", operatorToken);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForURLAsync(new Regex("^" + Regex.Escape(fixture.BaseUrl) + "/$"));
        await page.GotoAsync($"/stacks/{fixture.StackName}/plans");
        await page.ClickAsync("button#make-plan");
        await page.WaitForURLAsync(new Regex("/plans/[^/]+$"));
        await page.ClickAsync("form.logout button[type=submit]");
        await page.WaitForURLAsync(new Regex("/login$"));

        var rows = (await fixture.Server.GetJsonAsync($"/api/audit?after={after}&limit=1000")).EnumerateArray()
            .Select(r => (Action: r.GetProperty("action").GetString(), Status: r.GetProperty("status").GetInt32(), Outcome: r.GetProperty("outcome").GetString(), Actor: r.GetProperty("actor").GetString()))
            .ToList();
        var all = string.Join("\n", rows);
        Assert.True(rows.Contains(("POST /login", 302, "refused", "anonymous")), all);
        Assert.True(rows.Contains(("POST /login", 302, "ok", operatorActor)), all);
        Assert.True(rows.Contains(($"POST /ui/stacks/{fixture.StackName}/plan", 302, "ok", operatorActor)), all);
        Assert.True(rows.Contains(("POST /logout", 302, "ok", operatorActor)), all);
    }

    private async Task<long> LastAuditIdAsync()
    {
        long last = 0;
        while (true)
        {
            var page = (await fixture.Server.GetJsonAsync($"/api/audit?after={last}&limit=1000")).EnumerateArray().ToList();
            if (page.Count == 0)
            {
                return last;
            }

            last = page[^1].GetProperty("id").GetInt64();
        }
    }
}
