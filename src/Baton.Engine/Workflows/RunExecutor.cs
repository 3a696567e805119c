using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Baton.Diagnostics;
using Baton.Engine.Retrying;
using Baton.Expressions;
using Baton.Binding;
using Baton.Runs;
using Baton.Runtime;
using Baton.Spec.Declarations;
using Baton.Text;
using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>
/// Executes one run as a durable state machine. Every transition is committed (through the group-committing
/// <see cref="TransitionWriter"/>) before anything that depends on it happens: a step's <c>step.started</c> before its
/// action is called, its result before the steps that need it are considered. After a crash a new executor built from
/// the stored steps goes on where the last commit left off: finished steps are not run again, an attempt that was in
/// flight counts as failed ("interrupted") and is retried under its policy, timers fire at their stored times.
/// An <c>exec</c> attempt's process is recorded (<c>step.process_started</c>: pid and start time) as soon as it runs;
/// its process group dies with the worker, and should any of it outlive the worker all the same, the retry kills it and
/// waits for it to be gone before it starts (<c>step.orphan_killed</c>): an attempt never runs beside another.
/// </summary>
/// <remarks>
/// Phases: the main steps (a DAG by <c>needs</c>); then, when a step failed or the run was cancelled, compensation
/// of completed steps in reverse completion order (a saga); then the <c>on_exit</c> steps, always; then the final
/// status with the workflow's outputs. The executor's own loop is single-threaded: action attempts run as tasks and
/// only report back through <see cref="_wake"/>.
/// </remarks>
internal sealed class RunExecutor : IDisposable
{
    private static readonly ImmutableHashSet<StepStatus> Terminal =
        [StepStatus.Succeeded, StepStatus.Failed, StepStatus.Skipped, StepStatus.Cancelled, StepStatus.Compensated, StepStatus.CompensationFailed];

    /// <summary>The outcome of an attempt stopped by a cancel of the run: the step is cancelled, not failed.</summary>
    private static readonly StepOutcome StoppedByCancel = StepOutcome.Permanent("cancelled");

    /// <summary>Attempts an interrupted step gets beyond its retry policy (see <see cref="RecoverAsync"/>).</summary>
    private const int InterruptedAttempts = 10;

    /// <summary>How long recovery waits for a killed orphan of an interrupted attempt to be gone before it gives up.</summary>
    private static readonly TimeSpan OrphanExitWait = TimeSpan.FromSeconds(10);

    private readonly WorkflowSpec _workflow;
    private readonly Dictionary<string, StepSpec> _specs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StepRecord> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The processes attempts started, reported from their tasks, recorded by the executor's loop.</summary>
    private readonly ConcurrentQueue<(string Key, int Attempt, CommandProcess Process)> _processes = new();

    /// <summary>The value of each for_each item (evaluated when the step expands, again after a restart).</summary>
    private readonly Dictionary<string, Value> _itemValues = new(StringComparer.Ordinal);
    private readonly TransitionWriter _writer;
    private readonly IRunStore _store;
    private readonly IWorkflowHost _host;
    private readonly IRunObserver? _observer;
    private readonly WorkflowRuntimeOptions _options;
    // Two levels of stopping: _stopAll when this executor lets go of the run (it finished, the worker stops, the
    // history is full) stops every attempt; _cancelRun, a user's cancel, stops the main steps only, so the
    // compensations and on_exit steps that a cancel sets going still run to their end.
    private readonly CancellationTokenSource _stopAll = new();
    private readonly CancellationTokenSource _cancelRun;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunRecord _run;
    private Phase _phase = Phase.Main;
    private string? _failure;
    private bool _cancelRequested;
    private long _lastSignal;
    private long _completedOrder;
    private DateTimeOffset _nextSignalPoll;
    /// <summary>
    /// The host's roots (variables, resources from the stack's state), read once and again only after a step that
    /// changes the stack (stack.apply, stack.destroy): not a state load per step.
    /// </summary>
    private IEvaluationScope? _hostScope;

    public RunExecutor(
        RunRecord run, WorkflowSpec workflow, IReadOnlyList<StepRecord> steps, TransitionWriter writer, IRunStore store,
        IWorkflowHost host, IRunObserver? observer, WorkflowRuntimeOptions options)
    {
        _cancelRun = CancellationTokenSource.CreateLinkedTokenSource(_stopAll.Token);
        _run = run;
        _workflow = workflow;
        _writer = writer;
        _store = store;
        _host = host;
        _observer = observer;
        _options = options;
        foreach (var spec in workflow.Steps.Concat(workflow.OnExit))
        {
            _specs[spec.Id] = spec;
        }

        foreach (var step in steps)
        {
            _steps[step.Key] = step;
            _completedOrder = Math.Max(_completedOrder, step.CompletedOrder);
        }
    }

    private enum Phase
    {
        Main,
        Undo,
        Exit,
        Done,
    }

    private DateTimeOffset Now => _options.Time.GetUtcNow();

    /// <summary>
    /// Runs until the run finishes, or until <paramref name="stop"/> (the worker shutting down): then running attempts
    /// are abandoned and the run stays resumable.
    /// </summary>
    public async Task<RunRecord> RunAsync(CancellationToken stop)
    {
        if (_run.Status == RunStatus.Pending)
        {
            await CommitAsync([Event("run.started", null, 0, Value.EmptyMap) with { RunStatus = RunStatus.Running }]);
        }

        try
        {
            await RecoverAsync();
            while (!stop.IsCancellationRequested)
            {
                await PollSignalsAsync();
                await AdvanceAsync();
                if (_phase == Phase.Done)
                {
                    return _run;
                }

                await WaitAsync(stop);
            }
        }
        catch (RunHistoryLimitException)
        {
            return _run;
        }

        await _stopAll.CancelAsync();
        return _run;
    }

    // ---- recovery -------------------------------------------------------------------------------------------------

    private async Task RecoverAsync()
    {
        var transitions = new List<RunTransition>();
        var orphans = await StopOrphansAsync();
        foreach (var step in _steps.Values.ToList())
        {
            if (step.Status == StepStatus.Running && (IsItem(step.Key) || SpecOf(step.Key).ForEach is null))
            {
                if (orphans.TryGetValue(step.Key, out var orphan))
                {
                    transitions.Add(Event(orphan.Stopped ? "step.orphan_killed" : "step.orphan_alive", step.Key, step.Attempt, ProcessData(orphan.Process)));
                    if (!orphan.Stopped)
                    {
                        // Better a failed step than two attempts at once: the process is someone's to look at.
                        transitions.Add(FailureTransition(SpecOf(step.Key), step, StepOutcome.Permanent(
                            $"interrupted: the process group {orphan.Process.Pid.ToString(CultureInfo.InvariantCulture)} of attempt {step.Attempt.ToString(CultureInfo.InvariantCulture)} "
                            + $"still runs {Durations.Format(OrphanExitWait)} after it was killed; the step is not retried beside it")));
                        continue;
                    }
                }

                // (A for_each step is running while its items are; it has no attempt of its own: its items recover.)
                // The attempt was in flight when the last worker stopped: it may or may not have happened. At-least-once:
                // it counts as a failed attempt under the retry policy; but the worker's death is not the action's
                // failure, so a step whose policy is used up still gets up to InterruptedAttempts more (bounded, so
                // a step that kills its worker every time cannot loop forever).
                var spec = SpecOf(step.Key);
                var error = $"interrupted: the worker stopped during attempt {step.Attempt}";
                var allowed = (spec.Retry?.Attempts ?? 1) + InterruptedAttempts;
                transitions.Add(step.Attempt < allowed && !_cancelRequested
                    ? StepTransition("step.retry_scheduled", step with { Status = StepStatus.RetryScheduled, Error = error, DueAt = Now },
                        Value.Map([new("error", Value.String(error)), new("retry_at", Value.String(Now.ToString("O", CultureInfo.InvariantCulture)))]))
                    : FailureTransition(spec, step, StepOutcome.Transient(error)));
            }
            else if (step.Status == StepStatus.Compensating)
            {
                // Compensation is re-run from its start: compensating actions must be idempotent.
                transitions.Add(StepTransition("step.compensation_interrupted", step with { Status = StepStatus.Succeeded }, Value.EmptyMap));
            }
        }

        if (_run.Status == RunStatus.Compensating)
        {
            _failure = _run.Error ?? "the run was failing when the worker stopped";
        }

        if (transitions.Count > 0)
        {
            await CommitAsync(transitions);
        }

        // What a previous worker had already decided shows in the steps: a failed step that does not continue on error.
        foreach (var step in _steps.Values)
        {
            if (step.Status is StepStatus.Failed && !SpecOf(step.Key).ContinueOnError && !SpecOf(step.Key).IsOnExit)
            {
                _failure ??= $"step \"{step.Key}\" failed: {step.Error}";
            }

            if (step.Status is StepStatus.Compensated or StepStatus.CompensationFailed)
            {
                _failure ??= _run.Error ?? "the run was compensating when the worker stopped";
            }
        }

        // The items of an expanded for_each step get their values back from the same expression over the same inputs.
        foreach (var parent in _steps.Values.Where(s => !IsItem(s.Key) && SpecOf(s.Key).ForEach is not null && !Terminal.Contains(s.Status)).ToList())
        {
            var diagnostics = new DiagnosticBag();
            var collection = Evaluator.Evaluate(SpecOf(parent.Key).ForEach!, await ScopeAsync(null), diagnostics);
            foreach (var (key, value) in ItemsOf(collection) ?? [])
            {
                _itemValues[ItemKey(parent.Key, key)] = value;
            }
        }

        var signals = await _store.ReadSignalsAsync(_run.Id, 0, CancellationToken.None);
        if (signals.Any(s => s.Kind == RunSignalKind.Cancel))
        {
            _cancelRequested = true;
        }
    }

    /// <summary>
    /// Kills what still runs of the processes that interrupted <c>exec</c> attempts recorded, and waits for it to be
    /// gone: the step of each that was found, with whether it is gone now.
    /// </summary>
    private async Task<Dictionary<string, (CommandProcess Process, bool Stopped)>> StopOrphansAsync()
    {
        var found = new Dictionary<string, (CommandProcess, bool)>(StringComparer.Ordinal);
        var interrupted = _steps.Values
            .Where(s => s.Status == StepStatus.Running && (IsItem(s.Key) || SpecOf(s.Key).ForEach is null) && SpecOf(s.Key).Uses.Name == BuiltInActions.Exec)
            .ToDictionary(s => s.Key, s => s.Attempt, StringComparer.Ordinal);
        if (interrupted.Count == 0)
        {
            return found;
        }

        var recorded = new Dictionary<string, CommandProcess>(StringComparer.Ordinal);
        var after = 0L;
        while (true)
        {
            var page = await _store.ReadRunEventsAsync(_run.Id, after, 1000, CancellationToken.None);
            foreach (var e in page)
            {
                if (e.Kind == "step.process_started" && e.Step is { } key && interrupted.TryGetValue(key, out var attempt) && e.Attempt == attempt
                    && ProcessOf(e.Data) is { } process)
                {
                    recorded[key] = process;
                }
            }

            if (page.Count < 1000)
            {
                break;
            }

            after = page[^1].Seq;
        }

        foreach (var (key, process) in recorded)
        {
            if (ProcessGroups.IsRunning(process))
            {
                found[key] = (process, await ProcessGroups.KillAsync(process, OrphanExitWait, _options.Time, CancellationToken.None));
            }
        }

        return found;
    }

    private static Value ProcessData(CommandProcess process) => Value.Map(
    [
        new("pid", Value.Number(process.Pid)),
        new("start_ticks", Value.Number(process.StartTicks)),
    ]);

    private static CommandProcess? ProcessOf(Value data) =>
        data.Kind == ValueKind.Map && data.AsMap().TryGetValue("pid", out var pid) && pid.Kind == ValueKind.Number
            && data.AsMap().TryGetValue("start_ticks", out var ticks) && ticks.Kind == ValueKind.Number
            ? new CommandProcess((int)pid.AsNumber(), (long)ticks.AsNumber())
            : null;

    // ---- signals --------------------------------------------------------------------------------------------------

    private async Task PollSignalsAsync()
    {
        if (Now < _nextSignalPoll)
        {
            return;
        }

        _nextSignalPoll = Now + _options.SignalPollInterval;
        var signals = await _store.ReadSignalsAsync(_run.Id, _lastSignal, CancellationToken.None);
        foreach (var signal in signals)
        {
            _lastSignal = Math.Max(_lastSignal, signal.Id);
            switch (signal.Kind)
            {
                case RunSignalKind.Cancel when !_cancelRequested:
                    _cancelRequested = true;
                    await CommitAsync([Event("run.cancel_requested", null, 0, Details(("by", signal.By), ("comment", signal.Comment)))]);
                    await _cancelRun.CancelAsync();
                    break;
                case RunSignalKind.Approve or RunSignalKind.Reject
                    when signal.Step is { } key && _steps.TryGetValue(key, out var step) && step.Status == StepStatus.WaitingApproval:
                    var data = Details(("by", signal.By), ("comment", signal.Comment));
                    if (signal.Kind == RunSignalKind.Approve)
                    {
                        var outputs = Value.Map(
                        [
                            new("approved", Value.True),
                            new("by", Value.String(signal.By)),
                            new("comment", signal.Comment is null ? Value.Null : Value.String(signal.Comment)),
                        ]);
                        await CommitAsync([Succeeded(step, outputs, "step.approved", data)]);
                    }
                    else
                    {
                        var outcome = StepOutcome.Permanent($"rejected by {signal.By}{(signal.Comment is null ? "" : ": " + signal.Comment)}");
                        await CommitAsync([FailureTransition(SpecOf(key), step, outcome, "step.rejected")]);
                    }

                    break;
            }
        }
    }

    // ---- the state machine ----------------------------------------------------------------------------------------

    private async Task AdvanceAsync()
    {
        await RecordProcessesAsync();
        await HarvestAsync();
        await FireTimersAsync();
        switch (_phase)
        {
            case Phase.Main:
                await AdvanceMainAsync();
                break;
            case Phase.Undo:
                await AdvanceUndoAsync();
                break;
            case Phase.Exit:
                await AdvanceExitAsync();
                break;
        }
    }

    /// <summary>
    /// Records the process of every attempt that started one since the last look (before its outcome, which the
    /// attempt reports after it), so that a later worker can make sure it is gone before it retries the attempt.
    /// </summary>
    private async Task RecordProcessesAsync()
    {
        var transitions = new List<RunTransition>();
        while (_processes.TryDequeue(out var started))
        {
            if (_steps.TryGetValue(started.Key, out var step) && step.Status == StepStatus.Running && step.Attempt == started.Attempt)
            {
                transitions.Add(Event("step.process_started", started.Key, started.Attempt, ProcessData(started.Process)));
            }
        }

        if (transitions.Count > 0)
        {
            await CommitAsync(transitions);
        }
    }

    /// <summary>Called from an attempt's task when its command runs: the loop records it.</summary>
    private void OnProcessStarted(string key, int attempt, CommandProcess process)
    {
        _processes.Enqueue((key, attempt, process));
        Volatile.Read(ref _wake).TrySetResult();
    }

    /// <summary>Records the outcome of every attempt that finished since the last look.</summary>
    private async Task HarvestAsync()
    {
        foreach (var (key, flight) in _inFlight.Where(f => f.Value.Task.IsCompleted).ToList())
        {
            _inFlight.Remove(key);
            flight.Cancel.Dispose();
            var step = _steps[key];
            var spec = SpecOf(key);
            var outcome = await flight.Task;
            if (flight.Compensation)
            {
                await CommitAsync([outcome.Succeeded
                    ? StepTransition("step.compensated", step with { Status = StepStatus.Compensated, FinishedAt = Now }, Value.EmptyMap)
                    : StepTransition("step.compensation_failed", step with { Status = StepStatus.CompensationFailed, FinishedAt = Now, Error = outcome.Error }, Details(("error", outcome.Error)))]);
                continue;
            }

            if (outcome.Succeeded)
            {
                await CommitAsync([Succeeded(step, outcome.Outputs ?? Value.EmptyMap, "step.succeeded", Value.EmptyMap)]);
            }
            else if (ReferenceEquals(outcome, StoppedByCancel))
            {
                await CommitAsync([StepTransition("step.cancelled", step with { Status = StepStatus.Cancelled, Error = outcome.Error, FinishedAt = Now, DueAt = null }, Value.EmptyMap)]);
            }
            else
            {
                await CommitAsync([FailureTransition(spec, step, outcome)]);
            }
        }

        // A for_each step finishes when all its items have.
        foreach (var parent in _steps.Values.Where(s => s.Status == StepStatus.Running && SpecOf(s.Key).ForEach is not null && !IsItem(s.Key)).ToList())
        {
            var items = Items(parent.Key);
            if (items.Count == 0 || !items.All(i => Terminal.Contains(i.Status)))
            {
                continue;
            }

            var failed = items.FirstOrDefault(i => i.Status != StepStatus.Succeeded && !(i.Status == StepStatus.Failed && SpecOf(parent.Key).ContinueOnError));
            if (failed is null)
            {
                var outputs = Value.Map(items.Select(i => new KeyValuePair<string, Value>(ItemKeyOf(i.Key), i.Outputs ?? Value.EmptyMap)));
                await CommitAsync([Succeeded(parent, outputs, "step.succeeded", Value.EmptyMap)]);
            }
            else
            {
                await CommitAsync([FailureTransition(SpecOf(parent.Key), parent, StepOutcome.Permanent($"item {ItemKeyOf(failed.Key)} {Describe(failed.Status)}: {failed.Error}"))]);
            }
        }
    }

    private async Task FireTimersAsync()
    {
        var now = Now;
        foreach (var step in _steps.Values.Where(s => s.DueAt is { } due && due <= now).ToList())
        {
            switch (step.Status)
            {
                case StepStatus.RetryScheduled when _cancelRequested || (_failure is not null && _phase == Phase.Main && !SpecOf(step.Key).IsOnExit):
                    await CommitAsync([StepTransition("step.cancelled", step with { Status = StepStatus.Cancelled, FinishedAt = now, DueAt = null }, Value.EmptyMap)]);
                    break;
                case StepStatus.RetryScheduled:
                    await StartAttemptsAsync([(SpecOf(step.Key), step.Key, step.Attempt + 1)]);
                    break;
                case StepStatus.Waiting:
                    await CommitAsync([Succeeded(step, Value.Map([new("waited_until", Value.String(step.DueAt!.Value.ToString("O", CultureInfo.InvariantCulture)))]), "step.succeeded", Value.EmptyMap)]);
                    break;
                case StepStatus.WaitingApproval:
                    await CommitAsync([FailureTransition(SpecOf(step.Key), step, StepOutcome.Permanent("the approval expired"), "step.approval_expired")]);
                    break;
            }
        }
    }

    private async Task AdvanceMainAsync()
    {
        var main = _workflow.Steps;
        if (_failure is not null || _cancelRequested)
        {
            // Failing: nothing new starts. Steps still waiting (timers, approvals, needs) are cancelled; attempts in flight
            // finish (or stop through their tokens after a cancel) before compensation begins.
            var waiting = _steps.Values
                .Where(s => !SpecOf(s.Key).IsOnExit && !_inFlight.ContainsKey(s.Key) && s.Status is StepStatus.Pending or StepStatus.RetryScheduled or StepStatus.Waiting or StepStatus.WaitingApproval)
                .Select(s => StepTransition("step.cancelled", s with { Status = StepStatus.Cancelled, FinishedAt = Now, DueAt = null }, Value.EmptyMap))
                .ToList();
            var never = main.Where(s => !_steps.ContainsKey(s.Id))
                .Select(s => StepTransition("step.skipped", NewStep(s.Id) with { Status = StepStatus.Skipped, FinishedAt = Now }, Details(("reason", _cancelRequested ? "the run was cancelled" : "the run failed"))))
                .ToList();
            if (waiting.Count + never.Count > 0)
            {
                await CommitAsync([.. waiting, .. never]);
            }

            if (_inFlight.Values.All(f => f.Compensation))
            {
                // A for_each parent whose items were cancelled is settled by the harvest on the next round.
                if (_steps.Values.Any(s => s.Status == StepStatus.Running && !_inFlight.ContainsKey(s.Key)))
                {
                    await HarvestAsync();
                    if (_steps.Values.Any(s => s.Status == StepStatus.Running && !_inFlight.ContainsKey(s.Key)))
                    {
                        return;
                    }
                }

                _phase = Phase.Undo;
                await AdvanceUndoAsync();
            }

            return;
        }

        var starts = new List<(StepSpec Spec, string Key, int Attempt)>();
        var transitions = new List<RunTransition>();
        foreach (var spec in main)
        {
            await ConsiderAsync(spec, starts, transitions);
        }

        DispatchItems(starts);
        if (transitions.Count > 0)
        {
            await CommitAsync(transitions);
        }

        if (starts.Count > 0)
        {
            await StartAttemptsAsync(starts);
        }

        if (main.All(s => _steps.TryGetValue(s.Id, out var r) && Terminal.Contains(r.Status)))
        {
            _phase = _failure is null ? Phase.Exit : Phase.Undo;
            await AdvanceAsync();
        }
    }

    /// <summary>Decides what a main or on_exit step not yet started does now: skip, start, wait, expand.</summary>
    private async Task ConsiderAsync(StepSpec spec, List<(StepSpec, string, int)> starts, List<RunTransition> transitions)
    {
        if (_steps.ContainsKey(spec.Id))
        {
            return;
        }

        var needs = spec.Needs.Select(n => _steps.GetValueOrDefault(n.Name)).ToList();
        if (needs.Any(n => n is null || !Terminal.Contains(n.Status)))
        {
            return;
        }

        var unmet = spec.Needs.Zip(needs).FirstOrDefault(p => !Satisfied(p.Second!));
        if (unmet.First is not null)
        {
            transitions.Add(StepTransition("step.skipped", NewStep(spec.Id) with { Status = StepStatus.Skipped, FinishedAt = Now },
                Details(("reason", $"it needs \"{unmet.First.Name}\", which {Describe(unmet.Second!.Status)}"))));
            return;
        }

        var scope = await ScopeAsync(null);
        if (spec.If is { } condition)
        {
            var diagnostics = new DiagnosticBag();
            var value = Evaluator.Evaluate(condition, scope, diagnostics);
            if (diagnostics.HasErrors || value.Kind != ValueKind.Bool)
            {
                transitions.Add(FailureTransition(spec, NewStep(spec.Id), StepOutcome.Permanent(
                    diagnostics.HasErrors ? Describe(diagnostics) : $"{condition.Span}: if must be a bool, not {value.ToDisplayString()}")));
                return;
            }

            if (!value.AsBool())
            {
                transitions.Add(StepTransition("step.skipped", NewStep(spec.Id) with { Status = StepStatus.Skipped, FinishedAt = Now }, Details(("reason", "its if was false"))));
                return;
            }
        }

        if (spec.ForEach is { } forEach)
        {
            var diagnostics = new DiagnosticBag();
            var collection = Evaluator.Evaluate(forEach, scope, diagnostics);
            var items = diagnostics.HasErrors ? null : ItemsOf(collection);
            if (items is null)
            {
                transitions.Add(FailureTransition(spec, NewStep(spec.Id), StepOutcome.Permanent(
                    diagnostics.HasErrors ? Describe(diagnostics) : $"{forEach.Span}: for_each must be a list or a map, not {collection.ToDisplayString()}")));
                return;
            }

            var parent = NewStep(spec.Id) with { Status = StepStatus.Running, StartedAt = Now };
            transitions.Add(StepTransition("step.expanded", parent, Details(("items", items.Count.ToString(CultureInfo.InvariantCulture)))));
            foreach (var (key, value) in items)
            {
                _itemValues[ItemKey(spec.Id, key)] = value;
                transitions.Add(StepTransition("step.scheduled", NewStep(ItemKey(spec.Id, key)), Value.Map([new("value", value)])));
            }

            if (items.Count == 0)
            {
                transitions.Add(StepTransition("step.succeeded", parent with { Status = StepStatus.Succeeded, FinishedAt = Now, Outputs = Value.EmptyMap, CompletedOrder = ++_completedOrder }, Value.EmptyMap));
            }

            return;
        }

        switch (spec.Uses.Name)
        {
            case BuiltInActions.Wait:
                if (!TryEvaluateWith(spec, scope, out var waitInputs, out var waitError) || !TryDuration(waitInputs, "duration", out var duration, out waitError))
                {
                    transitions.Add(FailureTransition(spec, NewStep(spec.Id), StepOutcome.Permanent(waitError!)));
                    return;
                }

                transitions.Add(StepTransition("step.waiting", NewStep(spec.Id) with { Status = StepStatus.Waiting, StartedAt = Now, DueAt = Now + duration!.Value },
                    Details(("until", (Now + duration.Value).ToString("O", CultureInfo.InvariantCulture)))));
                return;
            case BuiltInActions.Approval:
                if (!TryEvaluateWith(spec, scope, out var approvalInputs, out var approvalError)
                    || !TryDuration(approvalInputs, "timeout", out var expiry, out approvalError, optional: true))
                {
                    transitions.Add(FailureTransition(spec, NewStep(spec.Id), StepOutcome.Permanent(approvalError!)));
                    return;
                }

                var message = approvalInputs.AsMap().TryGetValue("message", out var m) ? m.ToDisplayString() : null;
                transitions.Add(StepTransition("step.waiting_approval",
                    NewStep(spec.Id) with { Status = StepStatus.WaitingApproval, StartedAt = Now, DueAt = expiry is { } e ? Now + e : null },
                    Value.Map([new("message", message is null ? Value.Null : Value.String(message)), new("inputs", approvalInputs)])));
                return;
            default:
                starts.Add((spec, spec.Id, 1));
                return;
        }
    }

    /// <summary>Adds the items of running for_each steps that may start now (within the step's concurrency).</summary>
    private void DispatchItems(List<(StepSpec Spec, string Key, int Attempt)> starts)
    {
        foreach (var parent in _steps.Values.Where(s => s.Status == StepStatus.Running && !IsItem(s.Key) && SpecOf(s.Key).ForEach is not null).ToList())
        {
            var spec = SpecOf(parent.Key);
            var items = Items(parent.Key);
            var active = items.Count(i => i.Status is StepStatus.Running or StepStatus.RetryScheduled);
            var room = (spec.Concurrency ?? int.MaxValue) - active;
            foreach (var item in items.Where(i => i.Status == StepStatus.Pending && i.Attempt == 0 && !_inFlight.ContainsKey(i.Key)))
            {
                if (room-- <= 0 || _failure is not null || _cancelRequested)
                {
                    break;
                }

                starts.Add((spec, item.Key, 1));
            }
        }
    }

    private async Task AdvanceUndoAsync()
    {
        if (_inFlight.Count > 0)
        {
            return;
        }

        var next = _steps.Values
            .Where(s => s.Status == StepStatus.Succeeded && SpecOf(s.Key).Compensate is not null && !SpecOf(s.Key).IsOnExit)
            .OrderByDescending(s => s.CompletedOrder)
            .FirstOrDefault();
        if (next is null)
        {
            _phase = Phase.Exit;
            await AdvanceExitAsync();
            return;
        }

        var spec = SpecOf(next.Key);
        var compensate = spec.Compensate!;
        var scope = await ScopeAsync(IsItem(next.Key) ? ItemEach(next.Key) : null);
        var transition = StepTransition("step.compensating", next with { Status = StepStatus.Compensating }, Details(("uses", compensate.Uses.Name)));
        if (_run.Status != RunStatus.Compensating)
        {
            transition = transition with { RunStatus = RunStatus.Compensating, RunError = _failure ?? "the run was cancelled" };
        }

        await CommitAsync([transition]);
        var inputs = Value.EmptyMap;
        string? error = null;
        if (compensate.With is { } with)
        {
            var diagnostics = new DiagnosticBag();
            inputs = Evaluator.Evaluate(with, scope, diagnostics);
            error = diagnostics.HasErrors ? Describe(diagnostics) : inputs.Kind == ValueKind.Map ? null : $"{with.Span}: with must be a map";
        }

        var cancel = new CancellationTokenSource();
        var task = error is not null
            ? Task.FromResult(StepOutcome.Permanent(error))
            : CompensateAsync(spec, next.Key, compensate.Uses.Name, inputs, cancel.Token);
        Track(next.Key, new InFlight(task, cancel, Compensation: true));
    }

    /// <summary>Runs a compensating action with the step's retry policy (at least 3 attempts): undoing must try hard.</summary>
    private async Task<StepOutcome> CompensateAsync(StepSpec spec, string key, string uses, Value inputs, CancellationToken cancellationToken)
    {
        var retry = spec.Retry ?? new RetrySpec();
        var attempts = Math.Max(3, retry.Attempts);
        StepOutcome outcome = StepOutcome.Permanent("not run");
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            outcome = await InvokeAsync(new StepInvocation(_run.Id, key + "#compensate", attempt, uses, inputs, $"{_run.Id}:{key}#compensate:{attempt}"), spec, started: null, cancellationToken);
            if (outcome.Succeeded || !outcome.Retryable || attempt == attempts)
            {
                break;
            }

            await Task.Delay(RetryPolicy.Of(retry).Delay(attempt, _options.Jitter(), outcome.RetryAfter), _options.Time, cancellationToken);
        }

        return outcome;
    }

    private async Task AdvanceExitAsync()
    {
        var starts = new List<(StepSpec Spec, string Key, int Attempt)>();
        var transitions = new List<RunTransition>();
        foreach (var spec in _workflow.OnExit)
        {
            await ConsiderAsync(spec, starts, transitions);
        }

        if (transitions.Count > 0)
        {
            await CommitAsync(transitions);
        }

        if (starts.Count > 0)
        {
            await StartAttemptsAsync(starts);
        }

        if (_inFlight.Count > 0 || !_workflow.OnExit.All(s => _steps.TryGetValue(s.Id, out var r) && Terminal.Contains(r.Status)))
        {
            return;
        }

        await FinishAsync();
    }

    private async Task FinishAsync()
    {
        var exitFailure = _workflow.OnExit.Select(s => _steps[s.Id]).FirstOrDefault(s => s.Status == StepStatus.Failed && !SpecOf(s.Key).ContinueOnError);
        RunTransition final;
        if (_cancelRequested)
        {
            final = Event("run.cancelled", null, 0, Value.EmptyMap) with { RunStatus = RunStatus.Cancelled, RunError = "cancelled" };
        }
        else if (_failure is not null || exitFailure is not null)
        {
            var error = _failure ?? $"on_exit step \"{exitFailure!.Key}\" failed: {exitFailure.Error}";
            final = Event("run.failed", null, 0, Details(("error", error))) with { RunStatus = RunStatus.Failed, RunError = error };
        }
        else
        {
            var outputs = Value.EmptyMap;
            if (_workflow.Outputs is { } expression)
            {
                var diagnostics = new DiagnosticBag();
                outputs = Evaluator.Evaluate(expression, await ScopeAsync(null), diagnostics);
                if (diagnostics.HasErrors)
                {
                    var error = "the workflow's outputs: " + Describe(diagnostics);
                    await CommitAsync([Event("run.failed", null, 0, Details(("error", error))) with { RunStatus = RunStatus.Failed, RunError = error }]);
                    _phase = Phase.Done;
                    return;
                }
            }

            final = Event("run.succeeded", null, 0, Value.EmptyMap) with { RunStatus = RunStatus.Succeeded, RunOutputs = outputs };
        }

        await CommitAsync([final]);
        _phase = Phase.Done;
    }

    // ---- attempts -------------------------------------------------------------------------------------------------

    private async Task StartAttemptsAsync(IReadOnlyList<(StepSpec Spec, string Key, int Attempt)> starts)
    {
        var transitions = new List<RunTransition>();
        var launches = new List<(StepSpec Spec, string Key, int Attempt, Value Inputs)>();
        foreach (var (spec, key, attempt) in starts)
        {
            var step = _steps.GetValueOrDefault(key) ?? NewStep(key);
            var scope = await ScopeAsync(IsItem(key) ? ItemEach(key) : null);
            if (!TryEvaluateWith(spec, scope, out var inputs, out var error))
            {
                transitions.Add(FailureTransition(spec, step with { Attempt = attempt }, StepOutcome.Permanent(error!)));
                continue;
            }

            transitions.Add(StepTransition("step.started", step with { Status = StepStatus.Running, Attempt = attempt, StartedAt = step.StartedAt ?? Now, DueAt = null },
                Details(("uses", spec.Uses.Name))));
            launches.Add((spec, key, attempt, inputs));
        }

        if (transitions.Count > 0)
        {
            await CommitAsync(transitions);
        }

        foreach (var (spec, key, attempt, inputs) in launches)
        {
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(spec.IsOnExit ? _stopAll.Token : _cancelRun.Token);
            var limit = AttemptLimit(spec, _steps[key]);
            if (limit is { } l)
            {
                cancel.CancelAfter(l);
            }

            var invocation = new StepInvocation(_run.Id, key, attempt, spec.Uses.Name, inputs, $"{_run.Id}:{key}:{attempt}");
            Track(key, new InFlight(AttemptAsync(invocation, spec, limit, cancel.Token), cancel, Compensation: false));
        }
    }

    /// <summary>How long an attempt may run: the attempt timeout, cut to what is left of the step's timeout.</summary>
    private TimeSpan? AttemptLimit(StepSpec spec, StepRecord step)
    {
        TimeSpan? limit = spec.AttemptTimeout;
        if (spec.Timeout is { } total && step.StartedAt is { } started)
        {
            var left = started + total - Now;
            limit = limit is { } l && l < left ? l : left;
            if (limit < TimeSpan.Zero)
            {
                limit = TimeSpan.Zero;
            }
        }

        return limit;
    }

    private async Task<StepOutcome> AttemptAsync(StepInvocation invocation, StepSpec spec, TimeSpan? limit, CancellationToken cancellationToken)
    {
        try
        {
            return await InvokeAsync(invocation, spec, p => OnProcessStarted(invocation.Step, invocation.Attempt, p), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return _stopAll.IsCancellationRequested || (!spec.IsOnExit && _cancelRun.IsCancellationRequested)
                ? StoppedByCancel
                : StepOutcome.Transient($"timed out after {Durations.Format(limit ?? TimeSpan.Zero)}");
        }
    }

    private async Task<StepOutcome> InvokeAsync(StepInvocation invocation, StepSpec spec, Action<CommandProcess>? started, CancellationToken cancellationToken)
    {
        try
        {
            return Redaction.Scrub(
                invocation.Uses switch
                {
                    BuiltInActions.Exec => await ExecStep.RunAsync(invocation.Inputs, _host.StackDirectory, _options.MaxOutputBytes, started, cancellationToken),
                    _ => await _host.InvokeAsync(invocation, cancellationToken),
                },
                invocation.Inputs);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An action that throws is a bug of the action, not of the run: report it as a failed attempt.
            return Redaction.Scrub(StepOutcome.Transient($"{spec.Uses.Name} threw {ex.GetType().Name}: {ex.Message}"), invocation.Inputs);
        }
    }

    private void Track(string key, InFlight flight)
    {
        _inFlight[key] = flight;
        _ = flight.Task.ContinueWith(_ => _wake.TrySetResult(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    // ---- waiting --------------------------------------------------------------------------------------------------

    private async Task WaitAsync(CancellationToken stop)
    {
        if (_inFlight.Values.Any(f => f.Task.IsCompleted) || !_processes.IsEmpty)
        {
            return;
        }

        var wake = _wake;
        var delay = _options.SignalPollInterval;
        var nextDue = _steps.Values.Where(s => s.DueAt is not null && s.Status is StepStatus.RetryScheduled or StepStatus.Waiting or StepStatus.WaitingApproval)
            .Select(s => s.DueAt!.Value).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        if (nextDue != DateTimeOffset.MaxValue)
        {
            var untilDue = nextDue - Now;
            delay = untilDue < delay ? untilDue : delay;
        }

        if (delay > TimeSpan.Zero)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var sleep = Task.Delay(delay, _options.Time, timer.Token);
            await Task.WhenAny(wake.Task, sleep);
            await timer.CancelAsync();
        }

        if (wake.Task.IsCompleted)
        {
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var flight in _inFlight.Values.Where(f => !f.Task.IsCompleted))
            {
                _ = flight.Task.ContinueWith(_ => _wake.TrySetResult(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    // ---- transitions ----------------------------------------------------------------------------------------------

    private RunTransition Succeeded(StepRecord step, Value outputs, string kind, Value data) =>
        StepTransition(kind, step with { Status = StepStatus.Succeeded, Outputs = outputs, FinishedAt = Now, DueAt = null, Error = null, CompletedOrder = ++_completedOrder }, data);

    /// <summary>A failed attempt: a retry scheduled when the policy and the time left allow it, else the step fails.</summary>
    private RunTransition FailureTransition(StepSpec spec, StepRecord step, StepOutcome outcome, string? kind = null)
    {
        var attempt = Math.Max(1, step.Attempt);
        var data = Details(("error", outcome.Error));
        if (outcome.Retryable && kind is null && spec.Retry is { } retry && attempt < retry.Attempts && !_cancelRequested
            && (_failure is null || spec.IsOnExit))
        {
            var delay = RetryPolicy.Of(retry).Delay(attempt, _options.Jitter(), outcome.RetryAfter);
            var due = Now + delay;
            var deadline = spec.Timeout is { } total && step.StartedAt is { } started ? started + total : DateTimeOffset.MaxValue;
            if (due < deadline)
            {
                return StepTransition("step.retry_scheduled", step with { Status = StepStatus.RetryScheduled, Attempt = attempt, Error = outcome.Error, DueAt = due },
                    Value.Map([new("error", Value.String(outcome.Error!)), new("retry_at", Value.String(due.ToString("O", CultureInfo.InvariantCulture)))]));
            }

            data = Details(("error", outcome.Error + $" (the step's timeout of {Durations.Format(spec.Timeout!.Value)} leaves no time for another attempt)"));
        }

        if (!spec.ContinueOnError && (!spec.IsOnExit || _phase == Phase.Main) && !IsItem(step.Key))
        {
            _failure ??= $"step \"{step.Key}\" failed: {outcome.Error}";
        }

        return StepTransition(kind ?? "step.failed", step with { Status = StepStatus.Failed, Attempt = attempt, Error = outcome.Error, FinishedAt = Now, DueAt = null }, data);
    }

    private RunTransition StepTransition(string kind, StepRecord step, Value data) => new()
    {
        Event = new RunEvent { RunId = _run.Id, Kind = kind, Step = step.Key, Attempt = step.Attempt, Data = data, At = Now },
        Step = step,
    };

    private RunTransition Event(string kind, string? step, int attempt, Value data) => new()
    {
        Event = new RunEvent { RunId = _run.Id, Kind = kind, Step = step, Attempt = attempt, Data = data, At = Now },
    };

    private async Task CommitAsync(List<RunTransition> transitions)
    {
        if (_run.EventCount + transitions.Count > _options.MaxEventsPerRun && !transitions.Any(t => t.RunStatus is RunStatus.Failed or RunStatus.Succeeded or RunStatus.Cancelled))
        {
            var error = $"the run's history reached its limit of {_options.MaxEventsPerRun} events; it was stopped so it cannot grow without bound";
            var stop = Event("run.failed", null, 0, Details(("error", error))) with { RunStatus = RunStatus.Failed, RunError = error };
            await _writer.CommitAsync([stop]);
            Apply(stop);
            _phase = Phase.Done;
            await _stopAll.CancelAsync();
            throw new RunHistoryLimitException(error);
        }

        await _writer.CommitAsync(transitions);
        foreach (var transition in transitions)
        {
            Apply(transition);
        }
    }

    private void Apply(RunTransition transition)
    {
        if (transition.Step is { } step)
        {
            _steps[step.Key] = step;
            if (step.Status == StepStatus.Succeeded && _specs.TryGetValue(step.Key, out var spec) && BuiltInActions.IsStackOperation(spec.Uses.Name))
            {
                _hostScope = null;
            }
        }

        _run = _run with
        {
            Status = transition.RunStatus ?? _run.Status,
            Outputs = transition.RunOutputs ?? _run.Outputs,
            Error = transition.RunError ?? _run.Error,
            EventCount = _run.EventCount + 1,
            UpdatedAt = transition.Event.At,
            FinishedAt = transition.RunStatus is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled ? transition.Event.At : _run.FinishedAt,
        };
        _observer?.OnTransition(_run, transition);
    }

    // ---- expressions ----------------------------------------------------------------------------------------------

    private async Task<IEvaluationScope> ScopeAsync(Value? each)
    {
        _hostScope ??= await _host.ScopeAsync(CancellationToken.None);
        var steps = Value.Map(_steps.Values.Where(s => !IsItem(s.Key)).Select(s => new KeyValuePair<string, Value>(s.Key, Value.Map(
        [
            new("status", Value.String(s.Status.ToString().ToLowerInvariant())),
            new("outputs", s.Outputs ?? Value.EmptyMap),
            new("error", s.Error is null ? Value.Null : Value.String(s.Error)),
        ]))));
        var run = Value.Map(
        [
            new("id", Value.String(_run.Id)),
            new("workflow", Value.String(_run.Workflow)),
            new("stack", Value.String(_run.Stack)),
            new("started_at", Value.String(_run.CreatedAt.ToString("O", CultureInfo.InvariantCulture))),
            new("trigger", Value.String(_run.Trigger)),
        ]);
        return new RunScope(_hostScope, _run.Inputs, steps, run, each);
    }

    private static bool TryEvaluateWith(StepSpec spec, IEvaluationScope scope, out Value inputs, out string? error)
    {
        inputs = Value.EmptyMap;
        error = null;
        if (spec.With is not { } with)
        {
            return true;
        }

        var diagnostics = new DiagnosticBag();
        inputs = Evaluator.Evaluate(with, scope, diagnostics);
        if (diagnostics.HasErrors)
        {
            error = Describe(diagnostics);
            return false;
        }

        if (inputs.Kind != ValueKind.Map)
        {
            error = $"{with.Span}: with must be a map";
            return false;
        }

        if (!inputs.IsWhollyKnown)
        {
            error = $"{with.Span}: the inputs of step \"{spec.Id}\" are not all known";
            return false;
        }

        return true;
    }

    private static bool TryDuration(Value inputs, string name, out TimeSpan? duration, out string? error, bool optional = false)
    {
        duration = null;
        error = null;
        if (!inputs.AsMap().TryGetValue(name, out var value) || value.Kind == ValueKind.Null)
        {
            if (optional)
            {
                return true;
            }

            error = $"with.{name} is required (a duration such as 30s or 5m)";
            return false;
        }

        var text = value.Kind == ValueKind.Number ? Value.FormatNumber(value.AsNumber()) : value.Kind == ValueKind.String ? value.AsString() : null;
        if (text is null || !Durations.TryParse(text, out var parsed) || parsed < TimeSpan.Zero)
        {
            error = $"with.{name} must be a duration such as 30s or 5m, not {value.ToDisplayString()}";
            return false;
        }

        duration = parsed;
        return true;
    }

    private static string Describe(DiagnosticBag diagnostics) =>
        string.Join("; ", diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Span is { } span ? $"{span}: {d.Message}" : d.Message));

    private static Value Details(params (string Name, string? Value)[] entries) =>
        Value.Map(entries.Where(e => e.Value is not null).Select(e => new KeyValuePair<string, Value>(e.Name, Value.String(e.Value!))));

    // ---- steps and items ------------------------------------------------------------------------------------------

    private StepRecord NewStep(string key) => new() { RunId = _run.Id, Key = key, Status = StepStatus.Pending };

    private StepSpec SpecOf(string key) => _specs[IsItem(key) ? key[..key.IndexOf('[', StringComparison.Ordinal)] : key];

    private bool Satisfied(StepRecord need) => need.Status == StepStatus.Succeeded || (need.Status == StepStatus.Failed && SpecOf(need.Key).ContinueOnError);

    private static bool IsItem(string key) => key.EndsWith(']');

    private static string ItemKey(string id, string key) => $"{id}[{JsonQuote(key)}]";

    private static string ItemKeyOf(string itemKey)
    {
        var open = itemKey.IndexOf('[', StringComparison.Ordinal);
        return System.Text.Json.JsonSerializer.Deserialize<string>(itemKey[(open + 1)..^1]) ?? "";
    }

    private static string JsonQuote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private List<StepRecord> Items(string parentKey) =>
        [.. _steps.Values.Where(s => IsItem(s.Key) && s.Key.StartsWith(parentKey + "[", StringComparison.Ordinal))];

    private Value ItemEach(string itemKey) =>
        Value.Map([new("key", Value.String(ItemKeyOf(itemKey))), new("value", _itemValues.GetValueOrDefault(itemKey) ?? Value.Null)]);

    private static List<(string Key, Value Value)>? ItemsOf(Value collection) => collection.Kind switch
    {
        ValueKind.List => [.. collection.AsList().Select((v, i) => (i.ToString(CultureInfo.InvariantCulture), v))],
        ValueKind.Map => [.. collection.AsMap().Select(e => (e.Key, e.Value))],
        _ => null,
    };

    private static string Describe(StepStatus status) => status switch
    {
        StepStatus.Failed => "failed",
        StepStatus.Skipped => "was skipped",
        StepStatus.Cancelled => "was cancelled",
        _ => "did not succeed",
    };

    public void Dispose()
    {
        _cancelRun.Dispose();
        _stopAll.Dispose();
        foreach (var flight in _inFlight.Values)
        {
            flight.Cancel.Dispose();
        }
    }

    private sealed record InFlight(Task<StepOutcome> Task, CancellationTokenSource Cancel, bool Compensation);
}
