using System.Text.Json.Nodes;

namespace Baton.Engine.Tests.Workflows;

/// <summary>Event triggers through the real command: an apply starts a workflow, whose end starts another, each in a background worker.</summary>
public sealed class WorkflowTriggerTests : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("baton-triggers-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Apply_StartsTheWorkflowsItTriggers_AndTheirEndsStartTheNext_ButNeverADestroyOrASelfLoop()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "baton.yaml"), """
            stack: triggers
            providers:
              sim:
                world: .baton/world.db
            resources:
              thing:
                type: sim.resource
                properties:
                  input: { name: thing }
            workflows:
              after-apply:
                triggers:
                  - event: apply.finished
                  - { event: workflow.finished, workflow: after-apply }
                steps:
                  note: { uses: exec, with: { command: [sh, -c, "echo after-apply >> trace"] } }
              chained:
                triggers:
                  - { event: workflow.finished, workflow: after-apply }
                steps:
                  note: { uses: exec, with: { command: [sh, -c, "echo chained >> trace"] } }
              on-failure:
                triggers:
                  - event: apply.failed
                steps:
                  note: { uses: exec, with: { command: [sh, -c, "echo failed >> trace"] } }
            """);
        var (exit, stdout, stderr) = await BatonProcess.RunAsync(_directory.FullName, CommandTimeout, "apply", ".", "--auto-approve");
        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("apply.finished started run", stdout, StringComparison.Ordinal);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        JsonArray runs;
        while (true)
        {
            var listed = await BatonProcess.RunAsync(_directory.FullName, CommandTimeout, "runs", ".", "--json");
            runs = JsonNode.Parse(listed.Out)!.AsArray();
            if (runs.Count >= 2 && runs.All(r => r!["status"]!.GetValue<string>() == "succeeded") || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.Equal(
            [("after-apply", "event:apply.finished"), ("chained", "event:workflow.finished")],
            runs.Select(r => (r!["workflow"]!.GetValue<string>(), r["trigger"]!.GetValue<string>())).OrderBy(r => r.Item1));
        Assert.All(runs, r => Assert.Equal("succeeded", r!["status"]!.GetValue<string>()));

        // A while later still nothing more: after-apply's trigger on its own end did not loop, and on-failure never ran.
        await Task.Delay(1000);
        var trace = await File.ReadAllLinesAsync(Path.Combine(_directory.FullName, "trace"));
        Assert.Equal(["after-apply", "chained"], trace.Order());
    }
}
