using System.Text.Json;
using Baton.Diagnostics;
using Baton.Engine;
using Baton.Engine.Applying;
using Baton.Engine.Planning;
using Baton.Engine.Workflows;
using Baton.Binding;
using Baton.Plans;
using Baton.Runs;
using Baton.Spec;
using Baton.Values;

namespace Baton.Server.Stacks;

/// <summary>
/// What operators do to a served stack — plan, apply a plan by id, start, cancel and retry runs, approve and reject
/// steps — in one place, so the API and the dashboard refuse the same requests with the same words.
/// </summary>
internal sealed class ControlActions(ControlPlaneServices services)
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);

    public async Task<ActionResult<SavedPlan>> PlanAsync(ServedStack stack, bool destroy, IReadOnlyList<string> targets, bool refresh, string actor, CancellationToken ct)
    {
        if (stack.Problems.Count > 0)
        {
            return ActionResult<SavedPlan>.Refused(409, $"the stack's files have errors ({stack.Problems[0].Message}); fix them before planning");
        }

        var options = new PlanOptions { Destroy = destroy, Targets = new HashSet<string>(targets, StringComparer.Ordinal) };
        await using var session = stack.OpenSession();
        LockHolder holder;
        try
        {
            holder = await session.LockAsync("plan (control plane)", LockWait, ct);
        }
        catch (LockUnavailableException ex)
        {
            return ActionResult<SavedPlan>.Refused(409, ex.Message);
        }

        var diagnostics = new DiagnosticBag();
        Plan plan;
        await using (holder)
        {
            await session.RecoverAsync(holder, ct);
            (plan, _, _) = await session.PlanAsync(options, refresh, diagnostics, ct);
        }

        if (diagnostics.HasErrors)
        {
            return ActionResult<SavedPlan>.Refused(422, "the plan has errors: " + string.Join("; ", diagnostics.Where(d => d.IsError).Select(d => d.Message)));
        }

        return ActionResult<SavedPlan>.Success(services.Plans.Add(stack.Name, plan, PlanFile.HashSources(stack.Current.Spec!.Files), actor), 201);
    }

    /// <summary>Takes the lock, checks the plan still fits, and applies it in the background; the value is the apply id.</summary>
    public async Task<ActionResult<string>> ApplyAsync(ServedStack stack, string planId, CancellationToken ct)
    {
        if (services.Plans.Find(stack.Name, planId) is not { } saved)
        {
            return ActionResult<string>.Refused(404, $"stack {stack.Name} has no plan \"{planId}\" (plans are kept for an hour)");
        }

        if (saved.ApplyId is not null)
        {
            return ActionResult<string>.Refused(409, $"plan {planId} was already applied (apply {saved.ApplyId}); make a new plan");
        }

        if (saved.SourceHash != PlanFile.HashSources(stack.Current.Spec!.Files))
        {
            return ActionResult<string>.Refused(409, $"the stack's files changed since plan {planId} was made; make a new plan");
        }

        var session = stack.OpenSession();
        LockHolder holder;
        try
        {
            holder = await session.LockAsync((saved.Plan.IsDestroy ? "destroy" : "apply") + " (control plane)", LockWait, ct);
        }
        catch (LockUnavailableException ex)
        {
            await session.DisposeAsync();
            return ActionResult<string>.Refused(409, ex.Message);
        }

        var state = await stack.Stores.State.LoadAsync(stack.Name, ct);
        if (state.Serial != saved.Plan.Serial)
        {
            await holder.DisposeAsync();
            await session.DisposeAsync();
            return ActionResult<string>.Refused(409, $"the state changed since plan {planId} was made (serial {saved.Plan.Serial}, now {state.Serial}); make a new plan");
        }

        var applyId = Guid.CreateVersion7().ToString("N");
        services.Plans.MarkApplied(saved, applyId);
        services.Background(stack, "apply " + applyId, async stop =>
        {
            await using var _ = session;
            ApplyResult result;
            await using (holder)
            {
                result = await session.ApplyAsync(holder, saved.Plan, state, new ApplyOptions { ApplyId = applyId }, null, stop, stop);
            }

            if (!saved.Plan.IsDestroy)
            {
                await stack.TriggerAsync(result.Succeeded ? WorkflowTriggers.ApplyFinished : WorkflowTriggers.ApplyFailed, null, null, stop);
            }
        });
        return ActionResult<string>.Success(applyId, 202);
    }

    public static async Task<ActionResult<RunRecord>> StartRunAsync(ServedStack stack, string? workflow, IReadOnlyDictionary<string, JsonElement>? inputs, string trigger, CancellationToken ct)
    {
        var spec = stack.Current.Spec!;
        var definition = spec.Workflows.FirstOrDefault(w => w.Name == workflow);
        if (definition is null)
        {
            return ActionResult<RunRecord>.Refused(404, $"stack {stack.Name} has no workflow \"{workflow}\"" + (spec.Workflows.Length > 0 ? $"; it has {string.Join(", ", spec.Workflows.Select(w => w.Name))}" : ""));
        }

        var given = new List<VariableInput>();
        foreach (var (name, element) in inputs ?? new Dictionary<string, JsonElement>())
        {
            Value value;
            try
            {
                value = ValueJson.FromElement(element, ValueJsonOptions.Plain);
            }
            catch (JsonException exception)
            {
                return ActionResult<RunRecord>.Refused(400, $"input \"{name}\": {exception.Message}");
            }

            given.Add(new VariableInput { Name = name, Value = value, Source = VariableSource.CommandLine, Origin = trigger });
        }

        var diagnostics = new DiagnosticBag();
        var values = WorkflowInputs.Bind(definition, given, new StackFileHost(stack.Directory), diagnostics);
        if (diagnostics.HasErrors)
        {
            return ActionResult<RunRecord>.Refused(422, string.Join("; ", diagnostics.Where(d => d.IsError).Select(d => d.Message)));
        }

        var run = await stack.Runtime.CreateRunAsync(spec, definition.Name, Value.Map(values), trigger, ct);
        stack.Wake();
        return ActionResult<RunRecord>.Success(run, 201);
    }

    public Task<ActionResult<RunSignal>> DecideAsync(ServedStack stack, string run, string step, bool approve, string actor, string? comment, CancellationToken ct) =>
        GuardAsync(() => RunControl.DecideAsync(stack.Stores.Runs, run, step, approve, actor, comment, services.Time, ct), 200);

    public Task<ActionResult<RunRecord>> CancelAsync(ServedStack stack, string run, string actor, string? comment, CancellationToken ct) =>
        GuardAsync(
            async () =>
            {
                var record = await RunControl.RequestCancelAsync(stack.Stores.Runs, run, actor, comment, services.Time, ct);
                stack.Wake();
                return record;
            },
            202);

    public static Task<ActionResult<RunRecord>> RetryAsync(ServedStack stack, string run, CancellationToken ct) =>
        GuardAsync(
            async () =>
            {
                var failed = await RunControl.GetRetryableAsync(stack.Stores.Runs, run, ct);
                var retry = await stack.Runtime.RetryRunAsync(failed, ct);
                stack.Wake();
                return retry;
            },
            201);

    private static async Task<ActionResult<T>> GuardAsync<T>(Func<Task<T>> body, int status)
    {
        try
        {
            return ActionResult<T>.Success(await body(), status);
        }
        catch (RunControlException ex)
        {
            return ActionResult<T>.Refused(ex.NotFound ? 404 : 409, ex.Message);
        }
    }
}
