using System.Globalization;
using Baton.Diagnostics;
using Baton.Binding;
using Baton.Runs;
using Baton.Spec;
using Baton.Spec.Declarations;
using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>
/// The loop behind <c>baton worker</c> and the control plane's workers: each round fires the stack's due schedules
/// (each fire once, with catch-up and overlap policies) and starts executing every unfinished run that no live worker
/// holds, except a buffered run waiting for its workflow's running one.
/// </summary>
/// <param name="store">The run store.</param>
/// <param name="runtime">The runtime new scheduled runs are created in.</param>
/// <param name="directory">The stack directory (for the inputs' <c>file()</c>).</param>
/// <param name="execute">Executes a run to its end (or until cancelled); a run already held elsewhere may be skipped.</param>
/// <param name="owns">Whether this process's runtime holds a run (so it is not "held by another worker").</param>
/// <param name="log">Receives a line for each fire and each run started.</param>
/// <param name="time">The clock.</param>
public sealed class WorkflowWorker(
    IRunStore store, WorkflowRuntime runtime, string directory, Func<string, CancellationToken, Task> execute, Func<RunRecord, bool> owns, Action<string> log, TimeProvider time)
{
    private readonly WorkflowScheduler _scheduler = new(store, time);
    private readonly Dictionary<string, Task> _active = new(StringComparer.Ordinal);

    /// <summary>How many runs were unfinished at the last round (the queue's depth).</summary>
    public int Unfinished { get; private set; }

    /// <summary>How long the loop waits between rounds.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Runs rounds until <paramref name="cancellationToken"/> is cancelled, then waits for the runs it started to stop.</summary>
    public async Task RunAsync(Func<StackSpec> spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(spec(), cancellationToken);
                await Task.Delay(Interval, time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        await Task.WhenAll(_active.Values.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    /// <summary>One round: fires due schedules and starts the runs that need a worker.</summary>
    public async Task RoundAsync(StackSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var fires = await _scheduler.TickAsync(spec, async (workflow, runId, fire, ct) =>
        {
            var diagnostics = new DiagnosticBag();
            var values = WorkflowInputs.Bind(workflow, [], new StackFileHost(directory), diagnostics);
            await runtime.CreateRunAsync(spec, workflow.Name, Value.Map(values), "schedule:" + fire.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), ct, runId: runId);
        }, cancellationToken);
        foreach (var fire in fires)
        {
            log($"schedule {fire.Workflow} {fire.FireTime.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC: {fire.Outcome}{(fire.RunId is null ? "" : " " + fire.RunId)}");
        }

        foreach (var done in _active.Where(a => a.Value.IsCompleted).Select(a => a.Key).ToList())
        {
            _active.Remove(done);
        }

        var unfinished = await store.ListRunsAsync(new RunQuery { Stack = spec.Name, UnfinishedOnly = true, Limit = 1000 }, cancellationToken);
        Unfinished = unfinished.Count;
        var now = time.GetUtcNow();
        foreach (var run in unfinished.Reverse())
        {
            var buffered = run.Status == RunStatus.Pending && unfinished.Any(o => o.Workflow == run.Workflow && o.Id != run.Id && o.Status != RunStatus.Pending);
            var held = run.Owner is { } owner && run.LeaseExpiresAt > now && !LocalOwner.IsDead(owner) && !owns(run);
            if (_active.ContainsKey(run.Id) || buffered || held)
            {
                continue;
            }

            log($"run {run.Id} ({run.Workflow}, {run.Trigger}): executing");
            _active[run.Id] = execute(run.Id, cancellationToken);
        }
    }
}
