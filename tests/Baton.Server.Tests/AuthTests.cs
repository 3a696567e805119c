using System.Net;
using Baton.Server.Security;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>Bearer tokens and roles over real HTTP: who is refused, who is let in, and that the audit log saw it.</summary>
public sealed class AuthTests
{
    private static Uri Url(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task Get_WithoutAToken_Is401ProblemWithABearerChallenge()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var anonymous = server.Client(null);

        using var response = await anonymous.GetAsync(Url("/api/stacks"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        var problem = await ServerHarness.ReadJsonAsync(response);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("bt_")]
    [InlineData("bt_0123456789ab_")]
    [InlineData("bt_short_secret")]
    [InlineData("bt_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Get_WithAMalformedOrUnknownToken_Is401(string token)
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);

        using var response = await server.Client(token).GetAsync(Url("/api/stacks"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_WithTheRightIdButAnotherSecret_Is401()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var token = await server.CreateTokenAsync("viewer");
        var forged = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        using var response = await server.Client(forged).GetAsync(Url("/api/stacks"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithARevokedToken_Is401()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var token = await server.CreateTokenAsync("viewer");
        var client = server.Client(token);
        using (var before = await client.GetAsync(Url("/api/stacks")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var id = token.Split('_')[1];
        using (var revoke = await server.Admin.DeleteAsync(Url($"/api/tokens/{id}")))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using var after = await client.GetAsync(Url("/api/stacks"));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task PostPlan_AsViewer_Is403Problem()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var viewer = server.Client(await server.CreateTokenAsync("viewer"));

        using (var read = await viewer.GetAsync(Url("/api/stacks/web")))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using var response = await viewer.PostAsync(Url("/api/stacks/web/plans"), ServerHarness.JsonBody(new { }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await server.GetJsonAsync("/api/stacks/web/plans")).EnumerateArray());
    }

    [Fact]
    public async Task Operator_CanPlanButNotCreateTokens()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var operatorClient = server.Client(await server.CreateTokenAsync("operator"));

        using (var plan = await operatorClient.PostAsync(Url("/api/stacks/web/plans"), ServerHarness.JsonBody(new { })))
        {
            Assert.Equal(HttpStatusCode.Created, plan.StatusCode);
        }

        using var token = await operatorClient.PostAsync(Url("/api/tokens"), ServerHarness.JsonBody(new { role = "admin" }));
        Assert.Equal(HttpStatusCode.Forbidden, token.StatusCode);
        using var list = await operatorClient.GetAsync(Url("/api/tokens"));
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(1, (await server.GetJsonAsync("/api/tokens")).GetArrayLength());
    }

    [Fact]
    public async Task PostToken_AsAdmin_CreatesATokenThatWorksWithItsRole()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);

        using var response = await server.Admin.PostAsync(Url("/api/tokens"), ServerHarness.JsonBody(new { role = "operator", description = "ci" }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ServerHarness.ReadJsonAsync(response);
        Assert.Equal("operator", body.GetProperty("role").GetString());
        var text = body.GetProperty("token").GetString()!;
        Assert.StartsWith("bt_" + body.GetProperty("id").GetString() + "_", text, StringComparison.Ordinal);
        var created = server.Client(text);
        using (var plan = await created.PostAsync(Url("/api/stacks/web/plans"), ServerHarness.JsonBody(new { })))
        {
            Assert.Equal(HttpStatusCode.Created, plan.StatusCode);
        }

        using var tokens = await created.GetAsync(Url("/api/tokens"));
        Assert.Equal(HttpStatusCode.Forbidden, tokens.StatusCode);
        var listed = Assert.Single((await server.GetJsonAsync("/api/tokens")).EnumerateArray());
        Assert.DoesNotContain(text.Split('_')[2], listed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostToken_WithAnUnknownRole_Is400()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);

        using var response = await server.Admin.PostAsync(Url("/api/tokens"), ServerHarness.JsonBody(new { role = "root" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("root", (await ServerHarness.ReadJsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedAndMutatingRequests_AreAllInTheAuditLog()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var viewerToken = await server.CreateTokenAsync("viewer");
        var viewerId = viewerToken.Split('_')[1];
        using (var anonymous = await server.Client(null).GetAsync(Url("/api/stacks/web")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var unknown = await server.Client("bt_0123456789ab_nope").PostAsync(Url("/api/stacks/web/plans"), ServerHarness.JsonBody(new { })))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        using (var forbidden = await server.Client(viewerToken).PostAsync(Url("/api/stacks/web/plans"), ServerHarness.JsonBody(new { })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        using (var read = await server.Client(viewerToken).GetAsync(Url("/api/stacks/web")))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        await server.PlanAsync();

        var audit = await server.ReadAuditAfterStopAsync();

        var lines = audit.Select(a => $"{a.Action} {a.Status} {a.Outcome} {a.Actor}").ToList();
        var all = string.Join("\n", lines);
        Assert.Contains(audit, a => a.Action == "POST /api/tokens" && a.Status == 201 && a.Outcome == "ok" && a.Actor.EndsWith("(admin)", StringComparison.Ordinal));
        Assert.True(audit.Any(a => a.Action == "GET /api/stacks/web" && a.Status == 401 && a.Outcome == "refused" && a.Actor == "anonymous"), all);
        Assert.True(audit.Any(a => a.Action == "POST /api/stacks/web/plans" && a.Status == 401 && a.Outcome == "refused"), all);
        Assert.True(audit.Any(a => a.Action == "POST /api/stacks/web/plans" && a.Status == 403 && a.Actor == $"token:{viewerId} (viewer)"), all);
        Assert.True(audit.Any(a => a.Action == "POST /api/stacks/web/plans" && a.Status == 201 && a.Actor.EndsWith("(admin)", StringComparison.Ordinal)), all);
        Assert.True(audit.All(a => a.Remote == "127.0.0.1"), all);
        Assert.DoesNotContain(audit, a => a.Action == "GET /api/stacks/web" && a.Status == 200);
        Assert.Equal(audit.Select(a => a.Id).Order(), audit.Select(a => a.Id));
    }

    [Fact]
    public async Task AFloodOfAnonymousRefusals_WritesAtMostTheLimit_AndOneSummary_WhileWritesAreAllLogged()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        const int flood = AuditLog.DefaultLimit + 70;
        var anonymous = server.Client(null);
        for (var i = 0; i < flood; i++)
        {
            using var refused = await anonymous.PostAsync(Url("/api/stacks/web/plans"), ServerHarness.JsonBody(new { }));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await server.PlanAsync();

        var audit = await server.ReadAuditAfterStopAsync();

        var all = string.Join("\n", audit.Select(a => $"{a.Action} {a.Status} {a.Outcome} {a.Actor}"));
        Assert.Equal(AuditLog.DefaultLimit, audit.Count(a => a.Outcome == "refused" && a.Actor == "anonymous"));
        var summary = Assert.Single(audit, a => a.Outcome == "suppressed");
        Assert.StartsWith($"{flood - AuditLog.DefaultLimit} more refused requests", summary.Action, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", summary.Remote);
        Assert.True(audit.Any(a => a.Action == "POST /api/stacks/web/plans" && a.Status == 201 && a.Actor.EndsWith("(admin)", StringComparison.Ordinal)), all);
    }

    [Fact]
    public async Task GetAudit_IsForAdminsOnly_AndPagesOldestFirst()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var viewer = await server.CreateTokenAsync("viewer");
        await server.PlanAsync();
        await server.PlanAsync();

        using (var forbidden = await server.Client(viewer).GetAsync(Url("/api/audit")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        using (var bad = await server.Admin.GetAsync(Url("/api/audit?limit=0")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        var page = (await server.GetJsonAsync("/api/audit?limit=2")).EnumerateArray().ToList();
        Assert.Equal(["POST /api/tokens", "POST /api/stacks/web/plans"], page.Select(r => r.GetProperty("action").GetString()));
        var rest = (await server.GetJsonAsync($"/api/audit?after={page[^1].GetProperty("id").GetInt64()}")).EnumerateArray().ToList();
        Assert.Contains(rest, r => r.GetProperty("action").GetString() == "POST /api/stacks/web/plans");
        Assert.Contains(rest, r => r.GetProperty("action").GetString() == "GET /api/audit" && r.GetProperty("status").GetInt32() == 403);
    }
}
