using Baton.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>Frames denied, a session cookie scripts cannot read or other sites send, forms only with their antiforgery token, and read-only viewers.</summary>
public sealed class SecurityTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task Pages_DenyFrames_AndTheSessionCookieIsHttpOnlyAndStrict()
    {
        var page = await fixture.LoggedInPageAsync();

        foreach (var path in new[] { "/", $"/stacks/{fixture.StackName}", "/login" })
        {
            var response = await page.GotoAsync(path);
            var headers = await response!.AllHeadersAsync();
            Assert.Equal("DENY", headers["x-frame-options"]);
            Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        }

        var cookies = await page.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "baton_session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie.split('; ').filter(c => c.startsWith('baton_session')).join()"));
    }

    [Fact]
    public async Task FormPosts_WithoutTheAntiforgeryToken_AreRejected()
    {
        var page = await fixture.LoggedInPageAsync();
        var planId = await fixture.Server.PlanAsync();
        var runId = await fixture.Server.StartRunAsync("gated");
        try
        {
            await PostsWithoutTokenAsync(page, planId, runId);
        }
        finally
        {
            await fixture.FinishRunAsync(runId);
        }
    }

    private async Task PostsWithoutTokenAsync(IPage page, string planId, string runId)
    {
        var stack = fixture.StackName;
        await page.GotoAsync($"/stacks/{stack}/plans/{planId}");
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        Assert.False(string.IsNullOrEmpty(token));

        async Task<int> PostAsync(string path, Dictionary<string, string> fields)
        {
            var form = page.APIRequest.CreateFormData();
            foreach (var (key, value) in fields)
            {
                form.Set(key, value);
            }

            var response = await page.APIRequest.PostAsync(path, new APIRequestContextOptions { Form = form, MaxRedirects = 0 });
            return response.Status;
        }

        // The session cookie goes with each of these; only the token is missing.
        Assert.Equal(400, await PostAsync($"/ui/stacks/{stack}/plan", []));
        Assert.Equal(400, await PostAsync($"/ui/stacks/{stack}/plans/{planId}/apply", []));
        Assert.Equal(400, await PostAsync($"/ui/stacks/{stack}/runs", new() { ["workflow"] = "hello" }));
        Assert.Equal(400, await PostAsync($"/ui/stacks/{stack}/runs/{runId}/steps/gate/decide", new() { ["decision"] = "approve" }));
        Assert.Equal(400, await PostAsync($"/ui/stacks/{stack}/runs/{runId}/cancel", []));
        Assert.Equal(400, await PostAsync("/logout", []));
        Assert.Equal(400, await PostAsync($"/ui/stacks/{stack}/plan", new() { ["__RequestVerificationToken"] = "forged" }));

        // Nothing happened: the plan is unapplied, the run still waits, the session is still good.
        await page.GotoAsync($"/stacks/{stack}/runs/{runId}");
        await Expect(page.Locator("tr[data-step='gate'] button.approve")).ToBeVisibleAsync();
        var plan = await fixture.Server.GetJsonAsync($"/api/stacks/{stack}/plans/{planId}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, plan.GetProperty("applied").ValueKind);

        // And with the token the same post goes through (so the 400s were about the token).
        Assert.Equal(302, await PostAsync($"/ui/stacks/{stack}/runs/{runId}/cancel", new() { ["__RequestVerificationToken"] = token! }));
    }

    [Fact]
    public async Task ViewerSession_SeesNoPlanApplyRunOrApprovalControls()
    {
        var planId = await fixture.Server.PlanAsync();
        var runId = await fixture.Server.StartRunAsync("gated");
        try
        {
            await ControlsAsync(planId, runId);
        }
        finally
        {
            await fixture.FinishRunAsync(runId);
        }
    }

    private async Task ControlsAsync(string planId, string runId)
    {
        var stack = fixture.StackName;
        var admin = await fixture.LoggedInPageAsync();
        var viewer = await fixture.LoggedInPageAsync(await fixture.Server.CreateTokenAsync("viewer"));

        // The admin sees the controls on these pages, so their absence for the viewer means something.
        await admin.GotoAsync($"/stacks/{stack}/runs/{runId}");
        await Expect(admin.Locator("tr[data-step='gate'] button.approve")).ToBeVisibleAsync();
        await viewer.GotoAsync($"/stacks/{stack}/runs/{runId}");
        await Expect(viewer.Locator("tr[data-step='gate']")).ToContainTextAsync("waiting approval");
        await Expect(viewer.Locator("button.approve, button.reject, button.danger")).ToHaveCountAsync(0);

        await admin.GotoAsync($"/stacks/{stack}/plans/{planId}");
        await Expect(admin.Locator("button#apply-plan")).ToBeVisibleAsync();
        await viewer.GotoAsync($"/stacks/{stack}/plans/{planId}");
        await Expect(viewer.Locator("pre.diff")).ToBeVisibleAsync();
        await Expect(viewer.Locator("button#apply-plan, button#make-plan")).ToHaveCountAsync(0);

        await viewer.GotoAsync($"/stacks/{stack}/runs");
        await Expect(viewer.Locator($"table.grid a[href$='/runs/{runId}']")).ToBeVisibleAsync();
        await Expect(viewer.Locator("form[action$='/runs']")).ToHaveCountAsync(0);
    }
}
