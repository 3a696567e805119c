using Baton.Diagnostics;
using Baton.Binding;
using Baton.Spec;
using Baton.Spec.Declarations;
using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>Which workflows an event starts: those with a trigger for it whose filters match.</summary>
public static class WorkflowTriggers
{
    /// <summary>An apply (not a destroy) finished with every operation done.</summary>
    public const string ApplyFinished = "apply.finished";

    /// <summary>An apply failed.</summary>
    public const string ApplyFailed = "apply.failed";

    /// <summary>A run succeeded.</summary>
    public const string WorkflowFinished = "workflow.finished";

    /// <summary>A run failed or was cancelled.</summary>
    public const string WorkflowFailed = "workflow.failed";

    /// <summary>A replica of a resource died or failed its health check (seen by the control plane's reconciler).</summary>
    public const string ResourceUnhealthy = "resource.unhealthy";

    /// <summary>A resource no longer matches its state (seen by the control plane's reconciler).</summary>
    public const string ResourceDrifted = "resource.drifted";

    /// <summary>The workflows of <paramref name="stack"/> that <paramref name="eventName"/> starts, given the workflow or resource it is about.</summary>
    public static IReadOnlyList<WorkflowSpec> Matching(StackSpec stack, string eventName, string? workflow = null, string? resource = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        // A workflow is never started by its own run's end: that would loop for ever. A resource filter matches the
        // resource itself and its instances (web matches web[0]).
        return [.. stack.Workflows.Where(w => w.Name != workflow && w.Triggers.Any(t =>
            t.Event == eventName
            && (t.Workflow is null || t.Workflow.Name == workflow)
            && (t.Resource is null || (resource is not null && (resource == t.Resource.Name || resource.StartsWith(t.Resource.Name + "[", StringComparison.Ordinal))))))];
    }

    /// <summary>
    /// Creates a run, with its workflow's default inputs, of every workflow <paramref name="eventName"/> starts (see
    /// <see cref="Matching"/>); a workflow with a required input cannot start from an event and says so instead.
    /// </summary>
    public static async Task<IReadOnlyList<TriggeredRun>> StartAsync(
        WorkflowRuntime runtime, StackSpec stack, string directory, string eventName, string? workflow, string? resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var triggered = new List<TriggeredRun>();
        foreach (var target in Matching(stack, eventName, workflow, resource))
        {
            var diagnostics = new DiagnosticBag();
            var values = WorkflowInputs.Bind(target, [], new StackFileHost(directory), diagnostics);
            triggered.Add(diagnostics.HasErrors
                ? new TriggeredRun(target.Name, null, $"{eventName} would start {target.Name}, but it needs inputs: {string.Join("; ", diagnostics.Where(d => d.IsError).Select(d => d.Message))}")
                : new TriggeredRun(target.Name, await runtime.CreateRunAsync(stack, target.Name, Value.Map(values), "event:" + eventName, cancellationToken), null));
        }

        return triggered;
    }
}
