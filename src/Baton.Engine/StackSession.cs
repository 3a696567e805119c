using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Engine.Applying;
using Baton.Engine.Planning;
using Baton.Engine.Providers;
using Baton.Engine.Recovery;
using Baton.Expressions;
using Baton.Binding;
using Baton.Plans;
using Baton.State;
using Baton.Values;

namespace Baton.Engine;

/// <summary>
/// One bound stack with its state store and providers: the steps every command composes — lock, recover, refresh,
/// plan, apply — each a method, so the CLI and the control plane run the same code.
/// </summary>
public sealed class StackSession : IAsyncDisposable
{
    private readonly TimeProvider _time;

    /// <summary>Creates a session. The stores stay the caller's to dispose.</summary>
    public StackSession(
        BoundStack stack, string stackDirectory, IStateStore store, ILockStore locks, IApplyHistory applies, ProviderRegistry registry, IExpressionHost host, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(stack);
        Stack = stack;
        StackDirectory = stackDirectory;
        Store = store;
        Locks = locks;
        Applies = applies;
        Host = host;
        _time = time;
        Providers = ProvidersFor(stack, registry, stackDirectory, host, time);
    }

    /// <summary>The provider instances of <paramref name="stack"/>, configured from its file, variables and hosts (none started yet).</summary>
    public static ProviderHost ProvidersFor(BoundStack stack, ProviderRegistry registry, string stackDirectory, IExpressionHost host, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var variables = new EvaluationScope(new Dictionary<string, Value>(StringComparer.Ordinal) { ["var"] = Value.Map(stack.Variables) }, host);
        return new ProviderHost(registry, stack.Spec, variables, stackDirectory, Path.Combine(stackDirectory, ".baton"), time, stack.Inventory);
    }

    /// <summary>The bound stack.</summary>
    public BoundStack Stack { get; }

    /// <summary>The stack directory.</summary>
    public string StackDirectory { get; }

    /// <summary>The state and journal.</summary>
    public IStateStore Store { get; }

    /// <summary>The stack locks.</summary>
    public ILockStore Locks { get; }

    /// <summary>The apply history.</summary>
    public IApplyHistory Applies { get; }

    /// <summary>What file() and template() may read.</summary>
    public IExpressionHost Host { get; }

    /// <summary>The stack's provider instances.</summary>
    public ProviderHost Providers { get; }

    /// <summary>The stack's name.</summary>
    public string Name => Stack.Spec.Name;

    /// <summary>Takes the stack's lock.</summary>
    public Task<LockHolder> LockAsync(string operation, TimeSpan wait, CancellationToken cancellationToken) =>
        LockHolder.AcquireAsync(Locks, Name, operation, wait, _time, cancellationToken);

    /// <summary>Resolves operations a crash interrupted (under the lock).</summary>
    public Task<JournalRecovery.Result> RecoverAsync(LockHolder holder, CancellationToken cancellationToken) =>
        JournalRecovery.RecoverAsync(Store, holder.Lock, Providers, _time, cancellationToken);

    /// <summary>
    /// Starts the provider instances a plan against <paramref name="state"/> uses — each one the stack file names and
    /// each one a resource in state was made by — adding a diagnostic for everything that keeps one from starting
    /// (a setting it refuses, located at that setting); false when any cannot start.
    /// </summary>
    public Task<bool> StartProvidersAsync(StackState state, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return StartProvidersAsync(ProviderHost.InstancesOf(Stack.Spec).Concat(state.Resources.Values.Select(r => r.Provider)), diagnostics, cancellationToken);
    }

    /// <summary>Starts the provider instances <paramref name="instances"/>, adding a diagnostic for everything that keeps one from starting; false when any cannot start.</summary>
    public async Task<bool> StartProvidersAsync(IEnumerable<string> instances, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var problems = await Providers.StartAsync(instances, cancellationToken);
        diagnostics.AddRange(problems);
        return !problems.Any(d => d.IsError);
    }

    /// <summary>
    /// The plan, against the state as loaded and (when <paramref name="refresh"/>) refreshed. When a provider cannot
    /// start, <paramref name="diagnostics"/> say why and the plan is empty: nothing is refreshed or planned.
    /// </summary>
    public async Task<(Plan Plan, StackState State, ImmutableArray<string> Gone)> PlanAsync(PlanOptions options, bool refresh, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var state = await Store.LoadAsync(Name, cancellationToken);
        if (!await StartProvidersAsync(state, diagnostics, cancellationToken))
        {
            return (Unplanned(state, options), state, []);
        }

        var facts = await FactsGatherer.GatherAsync(Stack, Providers, state, refresh, _time, cancellationToken);
        diagnostics.AddRange(facts.Diagnostics);
        state = facts.State;
        var gone = ImmutableArray<string>.Empty;
        if (refresh && !state.Resources.IsEmpty)
        {
            var refreshed = await Refresher.RefreshAsync(state, Providers, options.Parallelism, cancellationToken);
            diagnostics.AddRange(refreshed.Diagnostics);
            gone = refreshed.Gone;
            // A destroy keeps what is already gone, so its delete (a no-op for the provider) takes the record out of
            // state too; otherwise a resource deleted outside Baton would stay in state for ever.
            state = options.Destroy
                ? refreshed.State with { Resources = refreshed.State.Resources.SetItems(state.Resources.Where(r => !refreshed.State.Resources.ContainsKey(r.Key))) }
                : refreshed.State;
        }

        var plan = await new Planner(Stack, Providers, Host).PlanAsync(state, options, StackDirectory, diagnostics, cancellationToken);
        return (plan, state, gone);
    }

    /// <summary>
    /// The plan against a state the caller has already loaded (and refreshed as it saw fit); empty, with
    /// <paramref name="diagnostics"/> saying why, when a provider cannot start.
    /// </summary>
    public async Task<Plan> PlanFromAsync(StackState state, PlanOptions options, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!await StartProvidersAsync(state, diagnostics, cancellationToken))
        {
            return Unplanned(state, options);
        }

        var facts = await FactsGatherer.GatherAsync(Stack, Providers, state, refresh: false, _time, cancellationToken);
        diagnostics.AddRange(facts.Diagnostics);
        return await new Planner(Stack, Providers, Host).PlanAsync(facts.State, options, StackDirectory, diagnostics, cancellationToken);
    }

    /// <summary>
    /// Plans against <paramref name="state"/> and, when the plan has changes and no errors, applies it under the held
    /// lock: what the control plane's automatic changes (heals, drift corrections, scaling) do. The result is null
    /// when nothing was applied; <paramref name="diagnostics"/> then says whether the plan had errors.
    /// <paramref name="applying"/> hears of a plan just before it is applied.
    /// </summary>
    public async Task<(Plan Plan, ApplyResult? Result)> PlanAndApplyAsync(
        LockHolder holder, StackState state, PlanOptions options, DiagnosticBag diagnostics, Action<Plan>? applying, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var plan = await PlanFromAsync(state, options, diagnostics, cancellationToken);
        if (diagnostics.HasErrors || !plan.HasChanges)
        {
            return (plan, null);
        }

        applying?.Invoke(plan);
        return (plan, await ApplyAsync(holder, plan, state, new ApplyOptions(), null, cancellationToken, cancellationToken));
    }

    /// <summary>Applies a plan under the lock and records it in the apply history.</summary>
    public async Task<ApplyResult> ApplyAsync(LockHolder holder, Plan plan, StackState state, ApplyOptions options, IApplyObserver? observer, CancellationToken stop, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var record = new ApplyRecord
        {
            Id = options.ApplyId ?? Guid.CreateVersion7().ToString("N"),
            Stack = Name,
            Kind = plan.IsDestroy ? ApplyKind.Destroy : ApplyKind.Apply,
            Owner = holder.Lock.Owner,
            StartedAt = _time.GetUtcNow(),
            SerialBefore = state.Serial,
        };
        await Applies.StartApplyAsync(record, holder.Lock.FencingToken, CancellationToken.None);
        await Store.CommitAsync(Event(holder, plan.IsDestroy ? "destroy.started" : "apply.started", $"{(plan.IsDestroy ? "destroy" : "apply")} {record.Id} started by {record.Owner}"), CancellationToken.None);
        using var stopOrLost = CancellationTokenSource.CreateLinkedTokenSource(stop, holder.Lost);
        using var abortOrLost = CancellationTokenSource.CreateLinkedTokenSource(abort, holder.Lost);
        if (options.ProviderParallelism.Count == 0)
        {
            options = options with { ProviderParallelism = ProviderHost.ParallelismLimits(Stack.Spec) };
        }

        using var span = Telemetry.BatonTelemetry.Traces.StartActivity(plan.IsDestroy ? "destroy" : "apply");
        span?.SetTag("baton.stack", Name);
        span?.SetTag("baton.apply", record.Id);
        var applier = new Applier(Stack, Providers, Store, holder.Lock, Host, _time, options, StackDirectory, record.Id, observer);
        var result = await applier.ApplyAsync(plan, state, stopOrLost.Token, abortOrLost.Token);
        var status = result.Succeeded ? ApplyStatus.Succeeded
            : result.Count(OperationOutcome.Cancelled) > 0 ? ApplyStatus.Cancelled
            : ApplyStatus.Failed;
        await Applies.FinishApplyAsync(
            record with
            {
                FinishedAt = _time.GetUtcNow(),
                Status = status,
                SerialAfter = result.Serial,
                Summary = Summary(result),
            },
            holder.Lock.FencingToken,
            CancellationToken.None);
        Telemetry.BatonTelemetry.Applies.Add(1, new KeyValuePair<string, object?>("stack", Name), new KeyValuePair<string, object?>("kind", plan.IsDestroy ? "destroy" : "apply"), new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));
        span?.SetTag("baton.status", status.ToString().ToLowerInvariant());
        await Store.CommitAsync(Event(holder, plan.IsDestroy ? "destroy.finished" : "apply.finished", $"{(plan.IsDestroy ? "destroy" : "apply")} {record.Id} {status.ToString().ToLowerInvariant()}: {Summary(result)}"), CancellationToken.None);
        return result;
    }

    private Plan Unplanned(StackState state, PlanOptions options) => new() { Stack = Name, Serial = state.Serial, IsDestroy = options.Destroy, Changes = [] };

    private StateChange Event(LockHolder holder, string kind, string message) => new()
    {
        Stack = Name,
        FencingToken = holder.Lock.FencingToken,
        Events = [new StackEvent { Stack = Name, Kind = kind, Message = message, At = _time.GetUtcNow() }],
    };

    /// <summary>A one-line count of what an apply did.</summary>
    public static string Summary(ApplyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int Done(ChangeAction action) => result.Operations.Count(o => o.Change.Action == action && o.Outcome == OperationOutcome.Succeeded);
        return $"{Done(ChangeAction.Create)} created, {Done(ChangeAction.Update)} updated, {Done(ChangeAction.Replace)} replaced, "
            + $"{Done(ChangeAction.Delete)} deleted, {result.Count(OperationOutcome.Failed)} failed, {result.Count(OperationOutcome.Skipped)} skipped"
            + (result.Notifications.IsEmpty ? string.Empty : $", {result.Notifications.Count(n => n.Outcome == OperationOutcome.Succeeded)} notified");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Providers.DisposeAsync();
}
