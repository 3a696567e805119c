using Baton.Engine.Hosting;
using Baton.Engine.Planning;
using Baton.Engine.Providers;
using Baton.Binding;
using Baton.Plans;
using Baton.Runs;
using Baton.Spec;
using Baton.State;
using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>
/// The workflow actions that work on the stack itself: <c>stack.plan</c>, <c>stack.apply</c>, <c>stack.destroy</c>
/// (inputs <c>variables</c>, a map that overrides the stack's variables, and <c>target</c>, a list of addresses), and
/// <c>workflow.run</c> (inputs <c>workflow</c> and <c>inputs</c>: a sub-workflow run, followed to its end). Each loads,
/// binds and locks the stack afresh, exactly as the commands do.
/// </summary>
/// <param name="source">Where the stack comes from (loaded afresh for every step).</param>
/// <param name="registry">The provider families.</param>
/// <param name="store">The stack's state and journal.</param>
/// <param name="locks">The stack locks.</param>
/// <param name="applies">The apply history.</param>
/// <param name="time">The clock.</param>
/// <param name="runtime">The runtime sub-workflows run in.</param>
/// <param name="host">The host sub-workflows' steps run in.</param>
public sealed class StackOperations(
    StackSource source, ProviderRegistry registry, IStateStore store, ILockStore locks, IApplyHistory applies, TimeProvider time, Func<WorkflowRuntime> runtime, Func<IWorkflowHost> host)
{
    private readonly string _directory = source?.Directory ?? throw new ArgumentNullException(nameof(source));

    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(2);

    /// <summary>Runs one of the stack actions.</summary>
    public async Task<StepOutcome> InvokeAsync(StepInvocation invocation, CancellationToken cancellationToken)
    {
        var inputs = invocation.Inputs.AsMap();
        return invocation.Uses switch
        {
            BuiltInActions.StackPlan or BuiltInActions.StackApply or BuiltInActions.StackDestroy => await StackAsync(invocation, inputs, cancellationToken),
            BuiltInActions.WorkflowRun => await SubWorkflowAsync(invocation, inputs, cancellationToken),
            _ => StepOutcome.Permanent($"unknown action \"{invocation.Uses}\""),
        };
    }

    private async Task<StepOutcome> StackAsync(StepInvocation invocation, System.Collections.Immutable.ImmutableSortedDictionary<string, Value> inputs, CancellationToken cancellationToken)
    {
        var destroy = invocation.Uses == BuiltInActions.StackDestroy;
        var overrides = new List<VariableInput>();
        if (inputs.TryGetValue("variables", out var variables) && variables.Kind == ValueKind.Map)
        {
            overrides.AddRange(variables.AsMap().Select(v => new VariableInput
            {
                Name = v.Key,
                Value = v.Value,
                Source = VariableSource.CommandLine,
                Origin = $"step {invocation.Step} of run {invocation.RunId}",
            }));
        }

        var loaded = source.LoadChecked(registry, new BindOptions { RequireAllVariables = !destroy }, overrides);
        if (!loaded.IsUsable)
        {
            return StepOutcome.Permanent($"{invocation.Uses}: the stack has errors: " + string.Join("; ", loaded.SortedDiagnostics.Where(d => d.IsError).Select(d => d.Span is { } s ? $"{s}: {d.Message}" : d.Message)));
        }

        await using var session = new StackSession(loaded.Bound!, _directory, store, locks, applies, registry, new StackFileHost(_directory), time);
        LockHolder holder;
        try
        {
            holder = await session.LockAsync(invocation.Uses, LockWait, cancellationToken);
        }
        catch (LockUnavailableException ex)
        {
            return StepOutcome.Transient($"{invocation.Uses}: {ex.Message}");
        }

        await using (holder)
        {
            await session.RecoverAsync(holder, cancellationToken);
            var diagnostics = new Diagnostics.DiagnosticBag();
            var targets = inputs.TryGetValue("target", out var t) && t.Kind == ValueKind.List ? t.AsList().Select(a => a.ToDisplayString()).ToHashSet(StringComparer.Ordinal) : [];
            var (plan, state, _) = await session.PlanAsync(new PlanOptions { Destroy = destroy, Targets = targets }, refresh: true, diagnostics, cancellationToken);
            if (diagnostics.HasErrors)
            {
                return StepOutcome.Permanent($"{invocation.Uses}: " + string.Join("; ", diagnostics.Where(d => d.IsError).Select(d => d.Message)));
            }

            var counts = Value.Map(
            [
                new("create", Value.Number(plan.Count(ChangeAction.Create))),
                new("update", Value.Number(plan.Count(ChangeAction.Update))),
                new("replace", Value.Number(plan.Count(ChangeAction.Replace))),
                new("delete", Value.Number(plan.Count(ChangeAction.Delete))),
            ]);
            if (invocation.Uses == BuiltInActions.StackPlan || !plan.HasChanges)
            {
                return StepOutcome.Success(Value.Map([new("has_changes", Value.Bool(plan.HasChanges)), new("changes", counts), new("outputs", state.Outputs)]));
            }

            var result = await session.ApplyAsync(holder, plan, state, new Applying.ApplyOptions(), null, cancellationToken, cancellationToken);
            if (!result.Succeeded)
            {
                var failed = result.Operations.Where(o => o.Outcome == Applying.OperationOutcome.Failed).Select(o => $"{o.Change.Key}: {o.Error}");
                return StepOutcome.Transient($"{invocation.Uses} failed: {StackSession.Summary(result)}; {string.Join("; ", failed)}");
            }

            return StepOutcome.Success(Value.Map(
            [
                new("has_changes", Value.True),
                new("changes", counts),
                new("summary", Value.String(StackSession.Summary(result))),
                new("serial", Value.Number(result.Serial)),
                new("outputs", result.Outputs),
            ]));
        }
    }

    private async Task<StepOutcome> SubWorkflowAsync(StepInvocation invocation, System.Collections.Immutable.ImmutableSortedDictionary<string, Value> inputs, CancellationToken cancellationToken)
    {
        if (!inputs.TryGetValue("workflow", out var nameValue) || nameValue.Kind != ValueKind.String)
        {
            return StepOutcome.Permanent("workflow.run: with.workflow must name a workflow of this stack");
        }

        var diagnostics = new Diagnostics.DiagnosticBag();
        var spec = StackLoader.Load(_directory, _directory, diagnostics);
        var workflow = spec?.Workflows.FirstOrDefault(w => w.Name == nameValue.AsString());
        if (spec is null || workflow is null)
        {
            return StepOutcome.Permanent($"workflow.run: there is no workflow \"{nameValue.AsString()}\"");
        }

        var given = inputs.TryGetValue("inputs", out var map) && map.Kind == ValueKind.Map
            ? map.AsMap().Select(e => new VariableInput { Name = e.Key, Value = e.Value, Source = VariableSource.CommandLine, Origin = $"step {invocation.Step}" }).ToList()
            : [];
        var values = WorkflowInputs.Bind(workflow, given, new StackFileHost(_directory), diagnostics);
        if (diagnostics.HasErrors)
        {
            return StepOutcome.Permanent("workflow.run: " + string.Join("; ", diagnostics.Where(d => d.IsError).Select(d => d.Message)));
        }

        var child = await runtime().CreateRunAsync(spec, workflow.Name, Value.Map(values), "workflow", cancellationToken, invocation.RunId, invocation.Step);
        var finished = await runtime().ExecuteAsync(child.Id, host(), null, cancellationToken);
        return finished.Status == RunStatus.Succeeded
            ? StepOutcome.Success(Value.Map([new("run", Value.String(child.Id)), new("outputs", finished.Outputs ?? Value.EmptyMap)]))
            : StepOutcome.Permanent($"sub-workflow {workflow.Name} (run {child.Id}) {RunStatusText.Words(finished.Status)}: {finished.Error}");
    }
}
