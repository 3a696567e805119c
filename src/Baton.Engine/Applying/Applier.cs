using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Baton.Diagnostics;
using Baton.Engine.Planning;
using Baton.Engine.Providers;
using Baton.Expressions;
using Baton.Binding;
using Baton.Plans;
using Baton.Providers;
using Baton.State;
using Baton.Values;

namespace Baton.Engine.Applying;

/// <summary>
/// Carries out a plan. Operations run as soon as the last thing they depend on finished (an eager walk of the
/// dependency graph, no level barriers), up to the parallelism limit (0 = unlimited); when more are ready than can
/// run, those with the longest chain of work behind them go first. Each provider call's intent is durable before
/// the call, and its result is committed with the state change it made. A failed operation skips what depends on it;
/// independent branches go on. Deletes run in reverse dependency order.
/// </summary>
public sealed class Applier
{
    private readonly BoundStack _stack;
    private readonly ProviderHost _providers;
    private readonly IStateStore _store;
    private readonly StackLock _lease;
    private readonly IExpressionHost _host;
    private readonly TimeProvider _time;
    private readonly IApplyObserver? _observer;
    private readonly ApplyOptions _options;
    private readonly string _stackDirectory;
    private readonly string _applyId;

    /// <summary>Creates an applier; <paramref name="lease"/> is the stack's lock, held for the whole apply.</summary>
    public Applier(
        BoundStack stack,
        ProviderHost providers,
        IStateStore store,
        StackLock lease,
        IExpressionHost host,
        TimeProvider time,
        ApplyOptions options,
        string stackDirectory,
        string applyId,
        IApplyObserver? observer = null)
    {
        _stack = stack;
        _providers = providers;
        _store = store;
        _lease = lease;
        _host = host;
        _time = time;
        _options = options;
        _stackDirectory = stackDirectory;
        _applyId = applyId;
        _observer = observer;
    }

    /// <summary>
    /// Applies <paramref name="plan"/> to <paramref name="state"/> (the state it was planned against).
    /// <paramref name="stop"/> stops starting new operations (running ones finish and are recorded);
    /// <paramref name="abort"/> also cancels running ones.
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(Plan plan, StackState state, CancellationToken stop, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        var nodes = plan.Changes;
        var graph = StepGraph.Build(nodes, state);
        var steps = graph.Steps;
        var waiting = graph.Waiting();
        var stepsLeft = (int[])graph.StepsPerChange.Clone();
        var deposeKeys = nodes.Select(c => c.Action == ChangeAction.Replace && c.CreateBeforeDestroy ? Guid.CreateVersion7().ToString("N")[..12] : null).ToArray();

        var values = new InstanceValues(_stack.Graph.Nodes) { Facts = state.Facts };
        foreach (var resource in state.Resources.Values)
        {
            if (resource.DeposedKey is null)
            {
                values.Set(resource.Address, resource.Attributes);
            }
        }

        var instances = _stack.Graph.Nodes.ToDictionary(n => n.Address.ToString(), StringComparer.Ordinal);
        var outcomes = new (OperationOutcome Outcome, string? Error)[nodes.Length];
        var failedUpstream = new bool[steps.Count];
        using var ready = new ReadyQueue(graph.Graph.DependentChainLengths());
        var workerCount = _options.Parallelism <= 0 ? Math.Max(1, steps.Count) : _options.Parallelism;
        var remaining = steps.Count;
        var providerLimits = new ConcurrentDictionary<string, SemaphoreSlim>(StringComparer.Ordinal);
        await using var committer = new GroupCommitter(_store, plan.Stack, _lease.FencingToken);
        var context = new OperationContext(this, committer, values, instances, state, plan, abort);

        // A change's outcome is its first step's that did not succeed, else success; it is reported once, when its
        // last step ends or a step of it fails.
        var settled = new bool[nodes.Length];

        // Where hosts are: each host converges (its steps, then its delayed notifications) on its own, and groups
        // with serial or max_fail_percentage roll out batch by batch.
        string? HostOf(string address) =>
            instances.TryGetValue(address, out var instance) && !instance.Resource.Hosts.IsEmpty ? instance.Address.Key?.Text : null;
        var convergence = HostConvergence.Build(_stack.Inventory, graph, change => HostOf(nodes[change].Address));
        // Only notifications look changes up by address: an apply without them does not build the index.
        var indexOf = new Lazy<Dictionary<string, int>>(() =>
        {
            var byAddress = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < nodes.Length; i++)
            {
                if (nodes[i].DeposedKey is null)
                {
                    byAddress.TryAdd(nodes[i].Address, i);
                }
            }

            return byAddress;
        });

        OperationOutcome? OutcomeOf(string address)
        {
            lock (settled)
            {
                return indexOf.Value.TryGetValue(address, out var i) && settled[i] ? outcomes[i].Outcome : null;
            }
        }

        // A notification's source not in the plan did not run in this apply: nothing to wait for.
        bool Settled(string address) => !indexOf.Value.ContainsKey(address) || OutcomeOf(address) is not null;

        var hostWork = new ConcurrentQueue<Task>();
        var rolloutEvents = new ConcurrentQueue<Task>();
        void Advance(HostConvergence.Progress progress)
        {
            if (progress.HaltedNow is { } halted)
            {
                rolloutEvents.Enqueue(committer.SubmitAsync(new StateChange
                {
                    Stack = plan.Stack,
                    FencingToken = 0,
                    Events = [new StackEvent { Stack = plan.Stack, Kind = "hosts.rollout_stopped", Message = halted["not started: ".Length..], At = _time.GetUtcNow() }],
                }));
            }

            foreach (var step in progress.Released)
            {
                ready.Add(step);
            }

            foreach (var host in progress.Notify)
            {
                hostWork.Enqueue(Task.Run(async () =>
                {
                    var name = convergence!.Hosts[host];
                    var failed = await context.RunDelayedNotificationsAsync(
                        OutcomeOf,
                        workerCount,
                        n => HostOf(n.Target) == name && (n.Pending || Settled(n.Source)),
                        _ => convergence.Blocked(name),
                        stop);
                    Advance(convergence.HostNotified(host, failed));
                }));
            }
        }

        void Release(int step)
        {
            if (convergence is null || convergence.Admit(step))
            {
                ready.Add(step);
            }
        }

        void Finish(int step, OperationOutcome outcome, string? error, TimeSpan elapsed)
        {
            var change = steps[step].Change;
            var report = false;
            lock (settled)
            {
                stepsLeft[change]--;
                if (!settled[change] && (outcome != OperationOutcome.Succeeded || stepsLeft[change] == 0))
                {
                    settled[change] = true;
                    outcomes[change] = (outcome, error);
                    report = true;
                }
            }

            if (report && nodes[change].Action != ChangeAction.NoOp && outcome != OperationOutcome.Cancelled)
            {
                _observer?.Finished(nodes[change], outcome, error, elapsed);
            }

            foreach (var next in graph.Graph.Dependents(step))
            {
                if (outcome != OperationOutcome.Succeeded)
                {
                    Volatile.Write(ref failedUpstream[next], true);
                }

                if (Interlocked.Decrement(ref waiting[next]) == 0)
                {
                    Release(next);
                }
            }

            if (convergence is not null)
            {
                Advance(convergence.StepFinished(step, outcome == OperationOutcome.Failed));
            }

            if (Interlocked.Decrement(ref remaining) == 0)
            {
                ready.Complete(workerCount);
            }
        }

        if (steps.Count == 0)
        {
            ready.Complete(workerCount);
        }

        for (var s = 0; s < steps.Count; s++)
        {
            if (waiting[s] == 0)
            {
                Release(s);
            }
        }

        if (convergence is not null)
        {
            Advance(convergence.Start());
        }

        async Task WorkerAsync()
        {
            while (await ready.TakeAsync() is var step and >= 0)
            {
                var (index, kind) = steps[step];
                var change = nodes[index];
                if (change.Action == ChangeAction.NoOp)
                {
                    Finish(step, Volatile.Read(ref failedUpstream[step]) ? OperationOutcome.Skipped : OperationOutcome.Succeeded, null, TimeSpan.Zero);
                    continue;
                }

                if (Volatile.Read(ref failedUpstream[step]))
                {
                    Finish(step, OperationOutcome.Skipped, "something it depends on did not succeed", TimeSpan.Zero);
                    continue;
                }

                if (convergence?.Halted(step) is { } halted)
                {
                    Finish(step, OperationOutcome.Skipped, halted, TimeSpan.Zero);
                    continue;
                }

                if (stop.IsCancellationRequested)
                {
                    Finish(step, OperationOutcome.Cancelled, "the apply was interrupted", TimeSpan.Zero);
                    continue;
                }

                var limit = _options.ProviderParallelism.TryGetValue(change.Provider, out var max)
                    ? providerLimits.GetOrAdd(change.Provider, _ => new SemaphoreSlim(max, max))
                    : null;
                if (limit is not null)
                {
                    await limit.WaitAsync(CancellationToken.None);
                }

                try
                {
                    var (outcome, error, elapsed) = await context.RunAsync(change, kind, deposeKeys[index], announce: IsFirstStep(change, kind));
                    Finish(step, outcome, error, elapsed);
                }
                finally
                {
                    limit?.Release();
                }
            }
        }

        // The host facts the plan was made from, kept in state for the next plan that does not refresh (committed
        // with the first intents).
        var factsKept = !state.Facts.IsEmpty && steps.Count > 0
            ? committer.SubmitAsync(new StateChange { Stack = plan.Stack, FencingToken = _lease.FencingToken, Facts = [.. state.Facts.Values] })
            : Task.CompletedTask;
        var workers = Enumerable.Range(0, workerCount).Select(_ => Task.Run(WorkerAsync)).ToArray();
        await Task.WhenAll(workers);
        await factsKept;

        // A host's work can start more (the next batch's hosts with nothing to change): wait for all of it.
        while (hostWork.TryDequeue(out var work))
        {
            await work;
        }

        while (rolloutEvents.TryDequeue(out var written))
        {
            await written;
        }

        // The delayed notifications left: once per target and verb, after every change of the apply has ended
        // (those of a host ran when it converged).
        if (!plan.Notifications.IsEmpty)
        {
            await context.RunDelayedNotificationsAsync(
                OutcomeOf,
                workerCount,
                _ => true,
                n => HostOf(n.Target) is { } host ? convergence?.Blocked(host) : null,
                stop);
        }

        var outputs = EvaluateOutputs(values);
        await committer.SubmitAsync(new StateChange { Stack = plan.Stack, FencingToken = _lease.FencingToken, Outputs = outputs });
        return new ApplyResult
        {
            Operations = [.. nodes.Select((change, i) => (change, outcomes[i].Outcome, outcomes[i].Error))],
            Notifications = context.NotificationOutcomes(),
            Outputs = outputs,
            Serial = committer.Serial,
            Commits = committer.Commits,
        };
    }

    /// <summary>Whether <paramref name="kind"/> is the step a change starts with (the observer hears of it then).</summary>
    private static bool IsFirstStep(ResourceChange change, StepKind kind) =>
        kind == StepKind.Whole || (kind == StepKind.CreateNew) == change.CreateBeforeDestroy;

    private Value EvaluateOutputs(InstanceValues values)
    {
        var scope = new InstanceScope(Value.Map(_stack.Variables), Planner.StackValue(_stack, _stackDirectory), null, values, _host);
        var outputs = new List<KeyValuePair<string, Value>>();
        var diagnostics = new DiagnosticBag();
        foreach (var output in _stack.Spec.Outputs)
        {
            var value = Evaluator.Evaluate(output.Value, scope, diagnostics);
            if (value.IsWhollyKnown)
            {
                outputs.Add(new(output.Name, output.Sensitive ? value.AsSensitive() : value));
            }
        }

        return Value.Map(outputs);
    }

    /// <summary>One operation: evaluate final inputs, journal, call the provider with retries, record the result.</summary>
    private sealed class OperationContext(
        Applier applier,
        GroupCommitter committer,
        InstanceValues values,
        Dictionary<string, ResourceInstance> instances,
        StackState state,
        Plan plan,
        CancellationToken abort)
    {
        private readonly ILookup<string, PlannedNotification> _notificationsBySource = plan.Notifications.Where(n => !n.Pending).ToLookup(n => n.Source, StringComparer.Ordinal);
        // Built only when a notification runs: an apply without notifications pays nothing for them.
        private readonly Lazy<Dictionary<string, ResourceChange>> _changesByAddress = new(() =>
        {
            var byAddress = new Dictionary<string, ResourceChange>(StringComparer.Ordinal);
            foreach (var change in plan.Changes.Where(c => c.DeposedKey is null))
            {
                byAddress.TryAdd(change.Address, change);
            }

            return byAddress;
        });
        private readonly ConcurrentDictionary<(string Target, string Verb), (OperationOutcome Outcome, string? Error)> _notified = new();
        private readonly ConcurrentDictionary<string, ResourceState> _written = new(StringComparer.Ordinal);

        // The committer stamps every write with the stack and the lease's fencing token.
        private string StackName => applier._stack.Spec.Name;

        public async Task<(OperationOutcome, string?, TimeSpan)> RunAsync(ResourceChange change, StepKind kind, string? deposeKey, bool announce)
        {
            if (announce)
            {
                applier._observer?.Started(change);
            }

            var clock = Stopwatch.StartNew();
            // Span names stay few (the address is a tag), and nothing is built unless someone listens.
            using var span = Telemetry.BatonTelemetry.Traces.StartActivity("operation");
            span?.SetTag("baton.address", change.Address);
            span?.SetTag("baton.type", change.Type);
            span?.SetTag("baton.action", kind.ToString().ToLowerInvariant());
            OperationOutcome outcome;
            string? error;
            try
            {
                (outcome, error) = await ExecuteAsync(change, kind, deposeKey);
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                (outcome, error) = (OperationOutcome.Cancelled, "cancelled while running");
            }
            catch (StaleLockException)
            {
                throw;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A provider bug must not take the apply down: record it as this operation's failure.
                (outcome, error) = (OperationOutcome.Failed, SensitiveText.Scrub($"{ex.GetType().Name}: {ex.Message}", change.Inputs ?? Value.Null, change.PriorInputs ?? Value.Null));
                await committer.SubmitAsync(Event(change, "resource.failed", $"{change.Address}: {error}"));
            }

            if (Telemetry.BatonTelemetry.Operations.Enabled || Telemetry.BatonTelemetry.OperationDuration.Enabled)
            {
                var tags = new TagList { { "type", change.Type }, { "action", kind.ToString().ToLowerInvariant() } };
                Telemetry.BatonTelemetry.OperationDuration.Record(clock.Elapsed.TotalSeconds, tags);
                tags.Add("outcome", outcome.ToString().ToLowerInvariant());
                Telemetry.BatonTelemetry.Operations.Add(1, tags);
            }

            if (span is not null)
            {
                span.SetTag("baton.outcome", outcome.ToString().ToLowerInvariant());
                if (outcome == OperationOutcome.Failed)
                {
                    span.SetStatus(ActivityStatusCode.Error, error);
                }
            }

            return (outcome, error, clock.Elapsed);
        }

        private async Task<(OperationOutcome, string?)> ExecuteAsync(ResourceChange change, StepKind kind, string? deposeKey)
        {
            var provider = await applier._providers.GetAsync(change.Provider, abort);
            var before = change.Before ?? Value.EmptyMap;
            var priorInputs = change.PriorInputs ?? Value.EmptyMap;
            return (change.Action, kind) switch
            {
                (ChangeAction.Create, _) => await CreateAsync(provider, change, deposeFirst: null),
                (ChangeAction.Update, _) => await UpdateAsync(provider, change),
                (ChangeAction.Delete, _) => await DeleteAsync(provider, change, change.Id!, change.DeposedKey, before, priorInputs),
                (ChangeAction.Replace, StepKind.CreateNew) => await CreateAsync(provider, change, deposeFirst: deposeKey),
                (ChangeAction.Replace, StepKind.DeleteOld) => await DeleteAsync(provider, change, change.Id!, deposeKey, before, priorInputs),
                _ => (OperationOutcome.Succeeded, null),
            };
        }

        private Value? FinalInputs(ResourceChange change, out string? error)
        {
            error = null;
            var planned = change.Inputs ?? Value.EmptyMap;
            if (planned.IsWhollyKnown)
            {
                return planned;
            }

            var instance = instances[change.Address];
            var diagnostics = new DiagnosticBag();
            var scope = new InstanceScope(Value.Map(applier._stack.Variables), Planner.StackValue(applier._stack, applier._stackDirectory), instance, values, applier._host);
            var inputs = InstanceInputs.Evaluate(instance, scope, diagnostics);
            if (diagnostics.HasErrors || !inputs.IsWhollyKnown)
            {
                error = diagnostics.FirstOrDefault(d => d.IsError)?.Message ?? "its inputs are still not known";
                return null;
            }

            if (!KnownParts.Match(planned, inputs))
            {
                error = "its inputs at apply differ from the plan in values the plan already knew";
                return null;
            }

            return inputs;
        }

        private async Task<(OperationOutcome, string?)> CreateAsync(IProvider provider, ResourceChange change, string? deposeFirst)
        {
            var inputs = FinalInputs(change, out var inputError);
            if (inputs is null)
            {
                await committer.SubmitAsync(Event(change, "resource.failed", $"{change.Address}: {inputError}"));
                return (OperationOutcome.Failed, inputError);
            }

            var operationId = NewOperationId();
            var intent = Intent(change, operationId, JournalAction.Create, inputs, null, null);
            var write = new StateChange { Stack = StackName, FencingToken = 0, Intents = [intent], Notify = Queued(change), Events = [EventOf(change, "resource.creating", $"creating {change.Address}")] };
            if (deposeFirst is not null && state.Resources.TryGetValue(change.Address, out var old))
            {
                // The old object stays in state, under a deposed key, until its delete succeeds.
                write = write with { Upserts = [old with { DeposedKey = deposeFirst, Status = ResourceStatus.Deposed }], Removals = [old.Key] };
            }

            await committer.SubmitAsync(write);
            var result = await RetryAsync(change, token => provider.CreateAsync(
                new CreateRequest { Type = change.Type, Address = change.Address, Inputs = inputs, IdempotencyKey = operationId },
                token), r => r.Error);
            if (result.Error is { } failure)
            {
                var partial = result.Id is not null && result.Attributes is not null
                    ? ImmutableArray.Create(NewState(change, result.Id, inputs, result.Attributes, ResourceStatus.Tainted))
                    : [];
                return await FailedAsync(change, operationId, $"create of {change.Address}", failure, partial);
            }

            var attributes = result.Attributes ?? Value.EmptyMap;
            var created = NewState(change, result.Id ?? operationId, inputs, attributes, ResourceStatus.Ready);
            await committer.SubmitAsync(new StateChange
            {
                Stack = StackName,
                FencingToken = 0,
                Results = [new JournalResult(operationId, JournalOutcome.Succeeded)],
                Upserts = [created],
                Events = [EventOf(change, "resource.created", $"created {change.Address}")],
            });
            values.Set(change.Address, attributes);
            _written[change.Address] = created;
            await RunImmediateNotificationsAsync(change);
            return (OperationOutcome.Succeeded, null);
        }

        private async Task<(OperationOutcome, string?)> UpdateAsync(IProvider provider, ResourceChange change)
        {
            var inputs = FinalInputs(change, out var inputError);
            if (inputs is null)
            {
                return (OperationOutcome.Failed, inputError);
            }

            var operationId = NewOperationId();
            await committer.SubmitAsync(new StateChange
            {
                Stack = StackName,
                FencingToken = 0,
                Intents = [Intent(change, operationId, JournalAction.Update, inputs, change.Id, null)],
                Notify = Queued(change),
                Events = [EventOf(change, "resource.updating", $"updating {change.Address}")],
            });
            var result = await RetryAsync(change, token => provider.UpdateAsync(
                new UpdateRequest
                {
                    Type = change.Type,
                    Address = change.Address,
                    Id = change.Id!,
                    PriorInputs = change.PriorInputs ?? Value.EmptyMap,
                    PriorAttributes = change.Before ?? Value.EmptyMap,
                    Inputs = inputs,
                    IdempotencyKey = operationId,
                },
                token), r => r.Error);
            if (result.Error is { } failure)
            {
                return await FailedAsync(change, operationId, $"update of {change.Address}", failure, []);
            }

            var attributes = result.Attributes ?? change.After ?? Value.EmptyMap;
            var updated = NewState(change, result.Id ?? change.Id!, inputs, attributes, ResourceStatus.Ready);
            await committer.SubmitAsync(new StateChange
            {
                Stack = StackName,
                FencingToken = 0,
                Results = [new JournalResult(operationId, JournalOutcome.Succeeded)],
                Upserts = [updated],
                Events = [EventOf(change, "resource.updated", $"updated {change.Address}")],
            });
            values.Set(change.Address, attributes);
            _written[change.Address] = updated;
            await RunImmediateNotificationsAsync(change);
            return (OperationOutcome.Succeeded, null);
        }

        private async Task<(OperationOutcome, string?)> DeleteAsync(IProvider provider, ResourceChange change, string id, string? deposedKey, Value attributes, Value inputs)
        {
            var operationId = NewOperationId();
            await committer.SubmitAsync(new StateChange
            {
                Stack = StackName,
                FencingToken = 0,
                Intents = [Intent(change, operationId, JournalAction.Delete, inputs, id, deposedKey)],
                Events = [EventOf(change, "resource.deleting", $"deleting {(deposedKey is null ? change.Address : $"{change.Address}#{deposedKey}")}")],
            });
            var result = await RetryAsync(change, token => provider.DeleteAsync(
                new DeleteRequest { Type = change.Type, Address = change.Address, Id = id, Attributes = attributes, IdempotencyKey = operationId },
                token), r => r.Error);
            var key = deposedKey is null ? change.Address : $"{change.Address}#{deposedKey}";
            if (result.Error is { } failure)
            {
                return await FailedAsync(change, operationId, $"delete of {key}", failure, []);
            }

            await committer.SubmitAsync(new StateChange
            {
                Stack = StackName,
                FencingToken = 0,
                Results = [new JournalResult(operationId, JournalOutcome.Succeeded)],
                Removals = [key],
                Events = [EventOf(change, "resource.deleted", $"deleted {key}")],
            });
            return (OperationOutcome.Succeeded, null);
        }

        /// <summary>The notifications <paramref name="change"/> sends, queued durably with its intent.</summary>
        private ImmutableArray<PendingNotification> Queued(ResourceChange change) => plan.Notifications.IsEmpty ? [] :
            [.. _notificationsBySource[change.Address].Select(n => new PendingNotification
            {
                Target = n.Target,
                Verb = n.Verb,
                Source = n.Source,
                Timing = n.Timing,
                QueuedAt = applier._time.GetUtcNow(),
            })];

        private async Task RunImmediateNotificationsAsync(ResourceChange change)
        {
            foreach (var notification in _notificationsBySource[change.Address].Where(n => n.Timing == "immediate"))
            {
                await NotifyAsync(notification);
            }
        }

        /// <summary>
        /// Runs every notification not run yet, once per target and verb: those whose source changed (or an earlier
        /// apply queued), on targets whose own change did not fail. One whose source or target failed stays queued.
        /// </summary>
        /// <summary>
        /// Runs the delayed notifications <paramref name="which"/> chooses that have not run: those whose source
        /// changed and whose target applied, unless <paramref name="blocked"/> gives a reason not to. One target's verbs
        /// in the order planned; targets side by side. Returns whether one failed.
        /// </summary>
        public async Task<bool> RunDelayedNotificationsAsync(
            Func<string, OperationOutcome?> outcomeOf,
            int parallelism,
            Func<PlannedNotification, bool> which,
            Func<PlannedNotification, string?> blocked,
            CancellationToken stop)
        {
            var due = new List<PlannedNotification>();
            foreach (var notification in plan.Notifications.Where(n => !_notified.ContainsKey((n.Target, n.Verb)) && which(n)))
            {
                var why = !notification.Pending && (outcomeOf(notification.Source) ?? OperationOutcome.Skipped) != OperationOutcome.Succeeded
                    ? $"{notification.Source} did not change"
                    : outcomeOf(notification.Target) is { } target && target != OperationOutcome.Succeeded
                        ? $"{notification.Target} did not apply"
                        : stop.IsCancellationRequested ? "the apply was interrupted" : blocked(notification);
                if (why is null)
                {
                    due.Add(notification);
                }
                else
                {
                    _notified.TryAdd((notification.Target, notification.Verb), (OperationOutcome.Skipped, why));
                }
            }

            if (due.Count == 0)
            {
                return false;
            }

            var failed = 0;
            await Parallel.ForEachAsync(
                due.GroupBy(n => n.Target, StringComparer.Ordinal),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) },
                async (group, _) =>
                {
                    foreach (var notification in group)
                    {
                        if (await NotifyAsync(notification) == OperationOutcome.Failed)
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                });
            return failed > 0;
        }

        public ImmutableArray<(PlannedNotification, OperationOutcome, string?)> NotificationOutcomes() =>
            [.. plan.Notifications.Select(n => _notified.TryGetValue((n.Target, n.Verb), out var done) ? (n, done.Outcome, done.Error) : (n, OperationOutcome.Skipped, (string?)"it did not run"))];

        /// <summary>
        /// Runs the notification's verb: its target's provider action <c>family.verb</c>, with the target's inputs that
        /// the action takes, retried like any call. Its removal from the queue commits with the event that it ran.
        /// </summary>
        private async Task<OperationOutcome> NotifyAsync(PlannedNotification notification)
        {
            var key = (notification.Target, notification.Verb);
            if (!_notified.TryAdd(key, (OperationOutcome.Cancelled, "running")))
            {
                return OperationOutcome.Skipped;
            }

            var clock = Stopwatch.StartNew();
            var (outcome, error) = await RunVerbAsync(notification);
            _notified[key] = (outcome, error);
            var pending = new PendingNotification { Target = notification.Target, Verb = notification.Verb, Source = notification.Source, Timing = notification.Timing, QueuedAt = applier._time.GetUtcNow() };
            var because = notification.Pending ? "queued by an interrupted apply" : $"{notification.Source} changed";
            var notice = new StackEvent
            {
                Stack = StackName,
                Kind = outcome == OperationOutcome.Succeeded ? "resource.notified" : "resource.notify_failed",
                Address = notification.Target,
                Message = outcome == OperationOutcome.Succeeded
                    ? $"{notification.Verb} {notification.Target} ({because})"
                    : $"{notification.Verb} {notification.Target} failed: {error}",
                At = applier._time.GetUtcNow(),
            };
            await committer.SubmitAsync(new StateChange
            {
                Stack = StackName,
                FencingToken = 0,
                Notified = outcome == OperationOutcome.Succeeded ? [pending] : [],
                Events = [notice],
            });
            applier._observer?.Notified(notification, outcome, error, clock.Elapsed);
            return outcome;
        }

        private async Task<(OperationOutcome, string?)> RunVerbAsync(PlannedNotification notification)
        {
            var target = _written.TryGetValue(notification.Target, out var written) ? written
                : state.Resources.TryGetValue(notification.Target, out var prior) ? prior
                : null;
            if (target is null)
            {
                return (OperationOutcome.Failed, $"{notification.Target} is not in the state");
            }

            var provider = await applier._providers.GetAsync(target.Provider, abort);
            var family = target.Type.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? target.Type[..dot] : target.Type;
            var action = family + "." + notification.Verb;
            if (provider.Schema.Actions.FirstOrDefault(a => a.Name == action) is not { } schema)
            {
                return (OperationOutcome.Failed, $"the {family} provider has no action {action}, so it cannot {notification.Verb} {notification.Target}");
            }

            var taken = schema.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            var inputs = target.Inputs.Kind == ValueKind.Map
                ? Value.Map(target.Inputs.AsMap().Where(e => taken.Contains(e.Key)))
                : Value.EmptyMap;
            var change = _changesByAddress.Value.GetValueOrDefault(notification.Target) ?? new ResourceChange
            {
                Address = target.Address,
                Type = target.Type,
                Provider = target.Provider,
                Action = ChangeAction.NoOp,
            };
            try
            {
                var result = await RetryAsync(change, token => provider.InvokeAsync(
                    new InvokeRequest
                    {
                        Action = action,
                        Inputs = inputs,
                        Target = notification.Target,
                        TargetId = target.Id,
                        IdempotencyKey = $"{applier._applyId}:{notification.Target}:{notification.Verb}",
                    },
                    token), r => r.Error);
                return result.Error is { } failure
                    ? (OperationOutcome.Failed, SensitiveText.Scrub(failure.Message, target.Inputs))
                    : (OperationOutcome.Succeeded, null);
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                return (OperationOutcome.Cancelled, "cancelled while running");
            }
            catch (Exception ex) when (ex is not (OutOfMemoryException or StaleLockException))
            {
                return (OperationOutcome.Failed, SensitiveText.Scrub($"{ex.GetType().Name}: {ex.Message}", target.Inputs));
            }
        }

        /// <summary>Records a failed call: its journal result, what it left (a tainted object, if any), and an event.</summary>
        private async Task<(OperationOutcome, string?)> FailedAsync(ResourceChange change, string operationId, string what, ProviderError failure, ImmutableArray<ResourceState> left)
        {
            // The far side's message may echo what it was sent; sensitive inputs never reach the journal or events.
            failure = failure with { Message = SensitiveText.Scrub(failure.Message, change.Inputs ?? Value.Null, change.PriorInputs ?? Value.Null) };
            await committer.SubmitAsync(new StateChange
            {
                Stack = StackName,
                FencingToken = 0,
                Results = [new JournalResult(operationId, JournalOutcome.Failed, failure.Message)],
                Upserts = left,
                Events = [EventOf(change, "resource.failed", $"{what} failed: {failure.Message}")],
            });
            return (OperationOutcome.Failed, failure.Message);
        }

        /// <summary>Calls with retries: exponential backoff with full jitter for transient errors, the far side's delay for throttling.</summary>
        private async Task<T> RetryAsync<T>(ResourceChange change, Func<CancellationToken, ValueTask<T>> call, Func<T, ProviderError?> errorOf)
        {
            var options = applier._options;
            var timeout = TimeoutFor(change) ?? options.OperationTimeout;
            for (var attempt = 1; ; attempt++)
            {
                using var limit = new CancellationTokenSource(timeout, applier._time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, abort);
                T result;
                try
                {
                    result = await call(linked.Token);
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested && !abort.IsCancellationRequested)
                {
                    throw new TimeoutException($"the provider call did not finish within {Text.Durations.Format(timeout)}");
                }

                var error = errorOf(result);
                if (error is null || error.Kind == ProviderErrorKind.Permanent || !options.Retry.AllowsRetryAfter(attempt))
                {
                    return result;
                }

                var delay = options.Retry.Delay(attempt, options.Jitter(), error.Kind == ProviderErrorKind.Throttled ? error.RetryAfter : null);
                applier._observer?.Retrying(change, attempt, delay, error.Message);
                await Task.Delay(delay, applier._time, abort);
            }
        }

        private TimeSpan? TimeoutFor(ResourceChange change)
        {
            if (!instances.TryGetValue(change.Address, out var instance) || instance.Resource.Timeouts is not { } timeouts)
            {
                return null;
            }

            return change.Action switch
            {
                ChangeAction.Create or ChangeAction.Replace => timeouts.Create,
                ChangeAction.Update => timeouts.Update,
                ChangeAction.Delete => timeouts.Delete,
                _ => null,
            };
        }

        private static ResourceState NewState(ResourceChange change, string id, Value inputs, Value attributes, ResourceStatus status) => new()
        {
            Address = change.Address,
            Type = change.Type,
            Provider = change.Provider,
            Id = id,
            Inputs = inputs,
            Attributes = attributes,
            Dependencies = change.Dependencies,
            Status = status,
        };

        private JournalIntent Intent(ResourceChange change, string operationId, JournalAction action, Value inputs, string? id, string? deposedKey) => new()
        {
            OperationId = operationId,
            Stack = applier._stack.Spec.Name,
            Address = change.Address,
            Type = change.Type,
            Provider = change.Provider,
            Action = action,
            Inputs = inputs,
            ResourceId = id,
            DeposedKey = deposedKey,
            Dependencies = change.Dependencies,
            ApplyId = applier._applyId,
            At = applier._time.GetUtcNow(),
        };

        private StateChange Event(ResourceChange change, string kind, string message) =>
            new() { Stack = StackName, FencingToken = 0, Events = [EventOf(change, kind, message)] };

        private StackEvent EventOf(ResourceChange change, string kind, string message) => new()
        {
            Stack = applier._stack.Spec.Name,
            Kind = kind,
            Address = change.Address,
            Message = message,
            At = applier._time.GetUtcNow(),
        };

        private static string NewOperationId() => Guid.CreateVersion7().ToString("N");
    }
}
