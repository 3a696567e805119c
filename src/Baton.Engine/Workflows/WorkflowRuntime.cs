using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Baton.Diagnostics;
using Baton.Runs;
using Baton.Spec;
using Baton.Spec.Declarations;
using Baton.Text;
using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>
/// The durable workflow runtime of one worker: creates runs, executes them (each by a <see cref="RunExecutor"/>),
/// commits all their transitions through one group-committing writer, and keeps the leases of the runs it executes
/// alive. A worker that dies loses its leases when they expire; another worker (or the same after a restart) claims
/// the runs and resumes them from their stored state.
/// </summary>
public sealed class WorkflowRuntime : IAsyncDisposable
{
    private readonly IRunStore _store;
    private readonly WorkflowRuntimeOptions _options;
    private readonly TransitionWriter _writer;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Definition, string Stack, string Workflow), WorkflowSpec?> _definitions = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewals;

    /// <summary>Creates the runtime; it renews the leases of the runs it executes until disposed.</summary>
    public WorkflowRuntime(IRunStore store, WorkflowRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        _writer = new TransitionWriter(store, options.Owner);
        _renewals = Task.Run(RenewAsync);
    }

    /// <summary>The store's transactions for run transitions so far (group commits).</summary>
    public long Commits => _writer.Commits;

    /// <summary>Run transitions committed so far.</summary>
    public long Transitions => _writer.Transitions;

    /// <summary>Serialises the stack files a run executes, so a resumed run goes on with the definition it started with.</summary>
    public static string Definition(IEnumerable<SourceFile> files) =>
        JsonSerializer.Serialize(files.Select(f => new Dictionary<string, string> { ["path"] = f.Path, ["text"] = f.Text }).ToList());

    /// <summary>The workflow <paramref name="name"/> of a stored definition; null with diagnostics when it cannot be read.</summary>
    public static WorkflowSpec? ReadWorkflow(string definition, string stackName, string name, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var entries = JsonSerializer.Deserialize<List<Dictionary<string, string>>>(definition) ?? [];
        var files = entries.Select(e => new SourceFile(e["path"], e["text"])).ToList();
        var spec = StackLoader.Parse(files, stackName, diagnostics);
        return spec.Workflows.FirstOrDefault(w => w.Name == name);
    }

    /// <summary>A new run id: sortable by creation time, unique by 48 random bits.</summary>
    public static string NewRunId(DateTimeOffset now) =>
        "run-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>Creates a pending run held by this worker; <see cref="ExecuteAsync"/> runs it.</summary>
    public async Task<RunRecord> CreateRunAsync(
        StackSpec stack, string workflow, Value inputs, string trigger, CancellationToken cancellationToken, string? parentRunId = null, string? parentStep = null, string? runId = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var now = _options.Time.GetUtcNow();
        var run = new RunRecord
        {
            Id = runId ?? NewRunId(now),
            Stack = stack.Name,
            Workflow = workflow,
            Inputs = inputs,
            Trigger = trigger,
            ParentRunId = parentRunId,
            ParentStep = parentStep,
            Definition = Definition(stack.Files),
            CreatedAt = now,
            UpdatedAt = now,
            Owner = _options.Owner,
            LeaseExpiresAt = now + _options.Lease,
        };
        await _store.CreateRunAsync(run, _options.Owner, _options.Lease, cancellationToken);
        return (await _store.GetRunAsync(run.Id, cancellationToken))!;
    }

    /// <summary>
    /// A new run that retries the failed run <paramref name="failed"/>: the same definition and inputs, with the steps
    /// that succeeded and were not undone carried over (so they do not run again); the failed, skipped, cancelled and
    /// compensated steps run afresh.
    /// </summary>
    public async Task<RunRecord> RetryRunAsync(RunRecord failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failed);
        var now = _options.Time.GetUtcNow();
        var run = failed with
        {
            Id = NewRunId(now),
            Status = RunStatus.Pending,
            Outputs = null,
            Error = null,
            Trigger = "retry:" + failed.Id,
            CreatedAt = now,
            UpdatedAt = now,
            FinishedAt = null,
            EventCount = 0,
            Owner = _options.Owner,
            LeaseExpiresAt = now + _options.Lease,
        };
        await _store.CreateRunAsync(run, _options.Owner, _options.Lease, cancellationToken);
        var kept = (await _store.GetStepsAsync(failed.Id, cancellationToken)).Where(s => s.Status == StepStatus.Succeeded).ToList();
        var transitions = kept.Select(s => new RunTransition
        {
            Event = new RunEvent { RunId = run.Id, Kind = "step.carried_over", Step = s.Key, Attempt = s.Attempt, At = now, Data = Value.Map([new("from", Value.String(failed.Id))]) },
            Step = s with { RunId = run.Id },
        }).ToList();
        if (transitions.Count > 0)
        {
            await _writer.CommitAsync(transitions);
        }

        return (await _store.GetRunAsync(run.Id, cancellationToken))!;
    }

    /// <summary>The workflow <paramref name="run"/> was created with, from its stored definition; null when that does not parse.</summary>
    public WorkflowSpec? WorkflowOf(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        // Runs of one stack share their definition text: it is parsed once per workflow, not once per run.
        return _definitions.GetOrAdd((run.Definition, run.Stack, run.Workflow), key =>
        {
            var diagnostics = new DiagnosticBag();
            var parsed = ReadWorkflow(key.Definition, key.Stack, key.Workflow, diagnostics);
            return diagnostics.HasErrors ? null : parsed;
        });
    }

    /// <summary>
    /// Executes the run (claiming it first) until it finishes, or until <paramref name="stop"/>; then the run stays
    /// resumable by this or another worker. Throws <see cref="RunUnavailableException"/> when another live worker
    /// holds it, or it is finished or unknown.
    /// </summary>
    public async Task<RunRecord> ExecuteAsync(string runId, IWorkflowHost host, IRunObserver? observer, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!await _store.TryClaimRunAsync(runId, _options.Owner, _options.Lease, stop))
        {
            var found = await _store.GetRunAsync(runId, stop);
            throw new RunUnavailableException(found switch
            {
                null => $"there is no run \"{runId}\"",
                { IsFinished: true } => $"run {runId} has already finished ({found.Status.ToString().ToLowerInvariant()})",
                _ => $"run {runId} is being executed by {found.Owner} (lease until {found.LeaseExpiresAt:u})",
            });
        }

        var run = (await _store.GetRunAsync(runId, stop))!;
        var workflow = WorkflowOf(run);
        if (workflow is null)
        {
            await _store.ReleaseRunAsync(runId, _options.Owner, CancellationToken.None);
            throw new RunUnavailableException($"run {runId}: its stored definition has no workflow \"{run.Workflow}\" or does not parse");
        }

        using var span = Telemetry.BatonTelemetry.Traces.StartActivity("run");
        span?.SetTag("baton.stack", run.Stack);
        span?.SetTag("baton.workflow", run.Workflow);
        span?.SetTag("baton.run", run.Id);
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stop, _stop.Token);
        _held[runId] = lost;
        var steps = await _store.GetStepsAsync(runId, stop);
        using var executor = new RunExecutor(run, workflow, steps, _writer, _store, host, observer, _options);
        try
        {
            run = await executor.RunAsync(lost.Token);
        }
        finally
        {
            _held.TryRemove(runId, out _);
            if (!run.IsFinished)
            {
                await _store.ReleaseRunAsync(runId, _options.Owner, CancellationToken.None);
            }
        }

        return run;
    }

    private async Task RenewAsync()
    {
        var period = _options.Lease / 3;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, _options.Time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var ids = _held.Keys.ToList();
            if (ids.Count == 0)
            {
                continue;
            }

            try
            {
                foreach (var lost in await _store.RenewLeasesAsync(_options.Owner, ids, _options.Lease, _stop.Token))
                {
                    if (_held.TryGetValue(lost, out var cancel))
                    {
                        await cancel.CancelAsync();
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed renewal is retried next period; the leases are three periods long.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewals;
        await _writer.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>A run cannot be executed here: unknown, finished, or held by another live worker.</summary>
public sealed class RunUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RunUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public RunUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
