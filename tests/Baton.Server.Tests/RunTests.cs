using System.Net;
using System.Text;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>Workflow runs through the API: started, watched on the live stream, approved, and the refusals.</summary>
public sealed class RunTests
{
    private static readonly TimeSpan StreamPatience = TimeSpan.FromSeconds(30);

    private static Uri Url(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task Run_WithAnApprovalGate_WaitsOnTheStreamAndSucceedsOnceApproved()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        await using var stream = await EventStream.OpenAsync(server.Admin, "/api/events/stream?stack=web");

        using var started = await server.Admin.PostAsync(Url("/api/stacks/web/runs"), ServerHarness.JsonBody(new { workflow = "gated" }));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var runId = (await ServerHarness.ReadJsonAsync(started)).GetProperty("id").GetString()!;
        Assert.EndsWith($"/api/stacks/web/runs/{runId}", started.Headers.Location!.ToString(), StringComparison.Ordinal);

        var waiting = await stream.WaitForAsync(f => f.Kind == "step.waiting_approval" && f.Data.Contains(runId, StringComparison.Ordinal), StreamPatience);
        Assert.Contains("\"step\":\"gate\"", waiting.Data, StringComparison.Ordinal);
        Assert.Equal("waiting_approval", (await server.GetJsonAsync($"/api/stacks/web/runs/{runId}")).GetProperty("steps")[0].GetProperty("status").GetString());

        using var approved = await server.Admin.PostAsync(Url($"/api/stacks/web/runs/{runId}/steps/gate/approve"), ServerHarness.JsonBody(new { comment = "lgtm" }));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decision = await ServerHarness.ReadJsonAsync(approved);
        Assert.Equal("approved", decision.GetProperty("decision").GetString());
        Assert.EndsWith("(admin)", decision.GetProperty("by").GetString(), StringComparison.Ordinal);

        var run = await server.WaitForRunAsync(runId, "succeeded");
        Assert.Equal("succeeded", run.GetProperty("steps")[0].GetProperty("status").GetString());
        await stream.WaitForAsync(f => f.Kind == "run.succeeded" && f.Data.Contains(runId, StringComparison.Ordinal), StreamPatience);
    }

    [Fact]
    public async Task Approve_AStepThatIsNotWaiting_Is409NamingTheStep()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var runId = await server.StartRunAsync("hello");
        await server.WaitForRunAsync(runId, "succeeded");

        using var response = await server.Admin.PostAsync(Url($"/api/stacks/web/runs/{runId}/steps/say/approve"), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await ServerHarness.ReadJsonAsync(response)).GetProperty("detail").GetString();
        Assert.Contains("\"say\"", detail, StringComparison.Ordinal);
        Assert.Contains("not waiting for approval", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_OfASucceededRun_Is409()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var runId = await server.StartRunAsync("hello", new { replicas = 3 });
        var run = await server.WaitForRunAsync(runId, "succeeded");
        Assert.Equal("hi 3\n", run.GetProperty("steps")[0].GetProperty("outputs").GetProperty("stdout").GetString());

        using var response = await server.Admin.PostAsync(Url($"/api/stacks/web/runs/{runId}/retry"), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("only a failed run can be retried", (await ServerHarness.ReadJsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single((await server.GetJsonAsync("/api/stacks/web/runs")).EnumerateArray());
    }

    [Fact]
    public async Task StartRun_OfAnUnknownWorkflow_Is404NamingTheKnownOnes()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);

        using var response = await server.Admin.PostAsync(Url("/api/stacks/web/runs"), ServerHarness.JsonBody(new { workflow = "deplyo" }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var detail = (await ServerHarness.ReadJsonAsync(response)).GetProperty("detail").GetString();
        Assert.Contains("\"deplyo\"", detail, StringComparison.Ordinal);
        Assert.Contains("hello", detail, StringComparison.Ordinal);
        Assert.Empty((await server.GetJsonAsync("/api/stacks/web/runs")).EnumerateArray());
    }

    [Fact]
    public async Task StartRun_WithAnInputOfTheWrongType_Is422NamingIt()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);

        using var response = await server.Admin.PostAsync(Url("/api/stacks/web/runs"), ServerHarness.JsonBody(new { workflow = "hello", inputs = new { replicas = "many" } }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("replicas", (await ServerHarness.ReadJsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await server.GetJsonAsync("/api/stacks/web/runs")).EnumerateArray());
    }

    [Fact]
    public async Task StartRun_WithMalformedJson_Is400ProblemDetails()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);

        using var body = new StringContent("{\"workflow\": \"hello\",", Encoding.UTF8, "application/json");
        using var response = await server.Admin.PostAsync(Url("/api/stacks/web/runs"), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ServerHarness.ReadJsonAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains("JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await server.GetJsonAsync("/api/stacks/web/runs")).EnumerateArray());
    }
}
