using Baton.Spec.Model;

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

    /// <summary>The workflows of <paramref name="stack"/> that <paramref name="eventName"/> starts, given the workflow it is about.</summary>
    public static IReadOnlyList<WorkflowSpec> Matching(StackSpec stack, string eventName, string? workflow = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        // A workflow is never started by its own run's end: that would loop for ever.
        return [.. stack.Workflows.Where(w => w.Name != workflow && w.Triggers.Any(t =>
            t.Event == eventName && (t.Workflow is null || t.Workflow.Name == workflow) && t.Resource is null))];
    }
}
