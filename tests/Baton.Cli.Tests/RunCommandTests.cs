using System.Text.Json.Nodes;

namespace Baton.Cli.Tests;

/// <summary>The workflow commands in-process: bad input gets a clear error that names what is wrong.</summary>
public sealed class RunCommandTests : IDisposable
{
    private const string StackYaml = """
        stack: wf
        workflows:
          deploy:
            inputs:
              name: { type: string, default: world }
              replicas: { type: int, default: 1 }
            steps:
              hello: { uses: exec, with: { command: [sh, -c, "printf 'hello %s x%s' \"$1\" \"$2\"", sh, "${inputs.name}", "${inputs.replicas}"] } }
            outputs:
              greeting: ${steps.hello.outputs.stdout}
          gated:
            steps:
              gate: { uses: approval, with: { message: "ship it?", timeout: 1h } }
        """;

    private readonly CliStack _stack = new("baton-cli-runs-", StackYaml);

    public void Dispose() => _stack.Dispose();

    [Fact]
    public void Run_WithInputs_SucceedsAndPrintsTheOutputs()
    {
        var run = Run("run", "deploy", "--input", "name=baton", "--input", "replicas=3");

        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        Assert.Contains("hello baton x3", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownWorkflow_FailsWithDidYouMean()
    {
        var run = Run("run", "deplyo");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("there is no workflow \"deplyo\"", run.Error, StringComparison.Ordinal);
        Assert.Contains("deploy", run.Error.Replace("\"deplyo\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("did you mean", run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Runs());
    }

    [Fact]
    public void Run_UndeclaredInput_FailsNamingIt()
    {
        var run = Run("run", "deploy", "--input", "colour=blue");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("colour", run.Error, StringComparison.Ordinal);
        Assert.Empty(Runs());
    }

    [Fact]
    public void Run_InputOfTheWrongType_FailsNamingIt()
    {
        var run = Run("run", "deploy", "--input", "replicas=abc");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("replicas", run.Error, StringComparison.Ordinal);
        Assert.Empty(Runs());
    }

    [Fact]
    public void Approve_AStepThatIsNotWaiting_FailsNamingTheRunAndTheStep()
    {
        var id = SucceededRun();

        var approve = Run("approve", id, "hello");

        Assert.Equal(1, approve.ExitCode);
        Assert.Contains("\"hello\"", approve.Error, StringComparison.Ordinal);
        Assert.Contains(id, approve.Error, StringComparison.Ordinal);
        Assert.Contains("not waiting for approval", approve.Error, StringComparison.Ordinal);

        var unknown = Run("approve", id, "nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("\"nope\"", unknown.Error, StringComparison.Ordinal);
        Assert.Contains(id, unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_OfASucceededRun_FailsClearly()
    {
        var id = SucceededRun();

        var retry = Run("retry", id);

        Assert.Equal(1, retry.ExitCode);
        Assert.Contains(id, retry.Error, StringComparison.Ordinal);
        Assert.Contains("only a failed run can be retried", retry.Error, StringComparison.Ordinal);
        Assert.Single(Runs());
    }

    [Fact]
    public void Cancel_OfAFinishedRun_FailsClearly()
    {
        var id = SucceededRun();

        var cancel = Run("cancel", id);

        Assert.Equal(1, cancel.ExitCode);
        Assert.Contains(id, cancel.Error, StringComparison.Ordinal);
        Assert.Contains("nothing to cancel", cancel.Error, StringComparison.Ordinal);
        Assert.Equal("succeeded", Runs().Single()!["status"]!.GetValue<string>());
    }

    [Fact]
    public void Commands_OnAnUnknownRun_FailNamingIt()
    {
        foreach (var args in new[] { new[] { "approve", "run-nope", "gate" }, ["cancel", "run-nope"], ["retry", "run-nope"], ["runs", "show", "run-nope"] })
        {
            var result = Run(args);
            Assert.True(result.ExitCode == 1, string.Join(" ", args) + ": " + result.Out);
            Assert.Contains("there is no run \"run-nope\"", result.Error, StringComparison.Ordinal);
        }
    }

    private string SucceededRun()
    {
        var run = Run("run", "deploy");
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        return Runs().Single()!["id"]!.GetValue<string>();
    }

    private JsonArray Runs()
    {
        var runs = Run("runs", "--json");
        Assert.True(runs.ExitCode == 0, runs.Error);
        return JsonNode.Parse(runs.Out)!.AsArray();
    }

    private CliRunner.Result Run(params string[] args) => _stack.Run(args);
}
