using System.Net;
using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>Editing a served stack's files: a broken edit is reported and the last good version keeps serving.</summary>
public sealed class StackReloadTests
{
    private const string Broken = """
        stack: web
        resources:
          config:
            type: file.file
            properties:
              path: out/app.conf
              content: "${var.missing}\n"
        """;

    private static async Task<JsonElement> ProblemsAsync(ServerHarness server) =>
        (await server.GetJsonAsync("/api/stacks/web")).GetProperty("problems");

    private static async Task BreakAsync(ServerHarness server)
    {
        await File.WriteAllTextAsync(Path.Combine(server.Directory, "baton.yaml"), Broken);
        await ServerHarness.EventuallyAsync(async () => (await ProblemsAsync(server)).GetArrayLength() > 0, "problems");
    }

    [Fact]
    public async Task InvalidEdit_IsReportedTheApiStillAnswersAndPlanningIsRefusedUntilFixed()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web, reloadInterval: TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, (await ProblemsAsync(server)).GetArrayLength());

        await BreakAsync(server);

        var problem = (await ProblemsAsync(server))[0];
        Assert.Contains("missing", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        var stacks = await server.GetJsonAsync("/api/stacks");
        Assert.Contains("gated", stacks[0].GetProperty("workflows").EnumerateArray().Select(w => w.GetString()));
        using (var plan = await server.Admin.PostAsync(new Uri("/api/stacks/web/plans", UriKind.Relative), ServerHarness.JsonBody(new { })))
        {
            Assert.Equal(HttpStatusCode.Conflict, plan.StatusCode);
            Assert.Contains("errors", (await ServerHarness.ReadJsonAsync(plan)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var runId = await server.StartRunAsync("hello");
        await server.WaitForRunAsync(runId, "succeeded");

        await File.WriteAllTextAsync(Path.Combine(server.Directory, "baton.yaml"), TestStacks.WebWithSecondFile);
        await ServerHarness.EventuallyAsync(async () => (await ProblemsAsync(server)).GetArrayLength() == 0, "no problems");
        await ServerHarness.EventuallyAsync(async () => (await server.GetJsonAsync("/api/events/recent")).EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "stack.reloaded"), "stack.reloaded");

        // The notices are in the stack's event log in the store, not only in the live stream.
        var stored = (await server.GetJsonAsync("/api/stacks/web/events?limit=1000")).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("source").GetString() == "control").Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["stack.invalid", "stack.reloaded"], stored);

        var planId = await server.PlanAsync();
        Assert.Equal(2, (await server.GetJsonAsync($"/api/stacks/web/plans/{planId}")).GetProperty("changes").GetArrayLength());
    }

    [Fact]
    public async Task InvalidEdit_RevertedToTheLastGoodVersion_ClearsTheProblems()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web, reloadInterval: TimeSpan.FromMilliseconds(200));
        await BreakAsync(server);

        await File.WriteAllTextAsync(Path.Combine(server.Directory, "baton.yaml"), TestStacks.Web);

        await ServerHarness.EventuallyAsync(async () => (await ProblemsAsync(server)).GetArrayLength() == 0, "no problems after the revert");
        await server.PlanAsync();
    }
}
