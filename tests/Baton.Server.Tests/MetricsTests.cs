using System.Net;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>The control plane's own Prometheus endpoint: authenticated, and counting applies, operations and runs.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterAnApplyAndARun_ExposeBatonsCountersInPrometheusText()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        using (var anonymous = await server.Client(null).GetAsync(new Uri("/metrics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        await server.ApplyAsync(await server.PlanAsync());
        var runId = await server.StartRunAsync("hello");
        await server.WaitForRunAsync(runId, "succeeded");

        var viewer = server.Client(await server.CreateTokenAsync("viewer"));
        string text = "";
        await ServerHarness.EventuallyAsync(async () =>
        {
            text = await viewer.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            return text.Contains("baton_workflow_runs_total", StringComparison.Ordinal);
        }, "the run counted");
        Assert.Contains($"baton_applies_total{{", text, StringComparison.Ordinal);
        Assert.Contains($"stack=\"{server.StackName}\"", text, StringComparison.Ordinal);
        Assert.Contains("baton_operations_total{", text, StringComparison.Ordinal);
        Assert.Contains("baton_operation_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("baton_workflow_transitions_total{", text, StringComparison.Ordinal);
        Assert.Contains("baton_workflow_queue_depth{", text, StringComparison.Ordinal);
        Assert.Contains("baton_reconciler_lag_seconds{", text, StringComparison.Ordinal);

        // The text parses as the exposition format, every line.
        var parsed = Baton.Metrics.PrometheusText.Parse(text, 4 * 1024 * 1024);
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors.Select(e => $"{e.Line}:{e.Column} {e.Message}")));
        Assert.True(parsed.Sum("baton_applies_total", new Dictionary<string, string> { ["stack"] = server.StackName }) >= 1);
    }
}
