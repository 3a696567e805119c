using System.Security.Cryptography;
using Baton.Diagnostics;
using Baton.Engine.Workflows;
using Baton.Expressions;
using Baton.Runs;
using Baton.Spec;
using Baton.Spec.Declarations;
using Baton.State;
using Baton.State.Sqlite;
using Baton.Text;
using Baton.Values;

namespace Baton.Engine.Tests.Workflows;

/// <summary>A real SQLite run store in a temp directory, which is also the stack directory where exec steps run.</summary>
internal sealed class WorkflowFixture : IAsyncDisposable
{
    private readonly AesGcmSecretProtector _protector;

    private WorkflowFixture(string directory, StateStores stores, AesGcmSecretProtector protector)
    {
        Directory = directory;
        Stores = stores;
        _protector = protector;
        Host = new ExecOnlyHost(directory);
    }

    public string Directory { get; }

    public StateStores Stores { get; }

    public ExecOnlyHost Host { get; }

    public static async Task<WorkflowFixture> CreateAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("baton-wf-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, ".baton"));
        var protector = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));
        var stores = await SqliteStores.OpenAsync(Path.Combine(directory, ".baton", "state.db"), protector, TimeProvider.System, CancellationToken.None);
        return new WorkflowFixture(directory, stores, protector);
    }

    /// <summary>Parses a stack file's text; fails the test on errors.</summary>
    public static StackSpec Parse(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var spec = StackLoader.Parse([new SourceFile("baton.yaml", yaml)], "wf", diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Select(d => $"{d.Code}: {d.Message}")));
        return spec;
    }

    public WorkflowRuntime Runtime(string owner = "test-worker", Func<WorkflowRuntimeOptions, WorkflowRuntimeOptions>? configure = null)
    {
        var options = new WorkflowRuntimeOptions { Owner = owner, SignalPollInterval = TimeSpan.FromMilliseconds(50), Jitter = () => 1 };
        return new WorkflowRuntime(Stores.Runs, configure is null ? options : configure(options));
    }

    /// <summary>Creates a run of <paramref name="workflow"/> and executes it to the end.</summary>
    public async Task<RunRecord> RunAsync(string yaml, string workflow, Value? inputs = null, Func<WorkflowRuntimeOptions, WorkflowRuntimeOptions>? configure = null)
    {
        await using var runtime = Runtime(configure: configure);
        var run = await runtime.CreateRunAsync(Parse(yaml), workflow, inputs ?? Value.EmptyMap, "test", CancellationToken.None);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var finished = await runtime.ExecuteAsync(run.Id, Host, null, limit.Token);
        Assert.True(finished.IsFinished, $"run {run.Id} did not finish: {finished.Status}");
        return (await Stores.Runs.GetRunAsync(run.Id, CancellationToken.None))!;
    }

    public async Task<Dictionary<string, StepRecord>> StepsAsync(string runId) =>
        (await Stores.Runs.GetStepsAsync(runId, CancellationToken.None)).ToDictionary(s => s.Key, StringComparer.Ordinal);

    public async Task<IReadOnlyList<RunEvent>> EventsAsync(string runId) =>
        await Stores.Runs.ReadRunEventsAsync(runId, 0, 100_000, CancellationToken.None);

    /// <summary>The lines of a file the steps append to (empty when none wrote it).</summary>
    public string[] Lines(string name) => Lines(Directory, name);

    /// <summary>The lines of the file <paramref name="name"/> in <paramref name="directory"/> (empty when there is none).</summary>
    public static string[] Lines(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    /// <summary>Polls the store until <paramref name="condition"/> holds for the run's steps.</summary>
    public async Task WaitForAsync(string runId, Func<Dictionary<string, StepRecord>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (condition(await StepsAsync(runId)))
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"timed out waiting for {what}");
    }

    public async ValueTask DisposeAsync()
    {
        await Stores.DisposeAsync();
        _protector.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process a test started may still be going away; the temp directory is cleaned up later.
        }
    }
}

/// <summary>A host with no roots besides the run's own; exec is handled by the runtime, nothing else is available.</summary>
internal sealed class ExecOnlyHost(string directory) : IWorkflowHost
{
    public string StackDirectory => directory;

    public Task<IEvaluationScope> ScopeAsync(CancellationToken cancellationToken) => Task.FromResult<IEvaluationScope>(EvaluationScope.Empty);

    public Task<StepOutcome> InvokeAsync(StepInvocation invocation, CancellationToken cancellationToken) =>
        Task.FromResult(StepOutcome.Permanent($"{invocation.Uses} is not available in this test"));
}
