using System.Net;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>Plans made and applied by id through the API.</summary>
public sealed class PlanTests
{
    private static Uri Url(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task PlanThenApply_CreatesTheFileRecordsApplyFinishedAndRefusesASecondApply()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);

        using var planned = await server.Admin.PostAsync(Url("/api/stacks/web/plans"), ServerHarness.JsonBody(new { }));
        Assert.Equal(HttpStatusCode.Created, planned.StatusCode);
        var plan = await ServerHarness.ReadJsonAsync(planned);
        var id = plan.GetProperty("id").GetString()!;
        Assert.EndsWith($"/api/stacks/web/plans/{id}", planned.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("config", plan.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("create", plan.GetProperty("summary").ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("create", Assert.Single(plan.GetProperty("changes").EnumerateArray()).GetProperty("action").GetString());
        Assert.False(File.Exists(Path.Combine(server.Directory, "out", "app.conf")));

        using var applied = await server.Admin.PostAsync(Url($"/api/stacks/web/plans/{id}/apply"), null);
        Assert.Equal(HttpStatusCode.Accepted, applied.StatusCode);
        var applyId = (await ServerHarness.ReadJsonAsync(applied)).GetProperty("apply").GetString()!;

        await ServerHarness.EventuallyAsync(
            async () => (await server.GetJsonAsync("/api/stacks/web/events")).GetProperty("events").EnumerateArray()
                .Any(e => e.GetProperty("kind").GetString() == "apply.finished" && e.GetProperty("message").GetString()!.Contains(applyId, StringComparison.Ordinal)),
            "apply.finished");
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(server.Directory, "out", "app.conf")));
        var resource = await server.GetJsonAsync("/api/stacks/web/resources/config");
        Assert.Equal("file.file", resource.GetProperty("type").GetString());
        Assert.Equal(applyId, (await server.GetJsonAsync($"/api/stacks/web/plans/{id}")).GetProperty("applied").GetString());

        using var again = await server.Admin.PostAsync(Url($"/api/stacks/web/plans/{id}/apply"), null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already applied", (await ServerHarness.ReadJsonAsync(again)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_AfterAnotherApplyMovedTheState_Is409NamingTheSerial()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var stale = await server.PlanAsync();
        var fresh = await server.PlanAsync();
        await server.ApplyAsync(fresh);

        using var response = await server.Admin.PostAsync(Url($"/api/stacks/web/plans/{stale}/apply"), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("serial", (await ServerHarness.ReadJsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null((await server.GetJsonAsync($"/api/stacks/web/plans/{stale}")).GetProperty("applied").GetString());
    }

    [Fact]
    public async Task Apply_OfAnUnknownPlan_Is404()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);

        using var response = await server.Admin.PostAsync(Url("/api/stacks/web/plans/nope/apply"), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
