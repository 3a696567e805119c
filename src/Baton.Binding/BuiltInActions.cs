namespace Baton.Binding;

/// <summary>The workflow actions Baton provides itself, as opposed to provider actions such as <c>postgres.dump</c>.</summary>
public static class BuiltInActions
{
    /// <summary>Runs a command from an argument list.</summary>
    public const string Exec = "exec";

    /// <summary>Waits for a duration (a durable timer).</summary>
    public const string Wait = "wait";

    /// <summary>Waits for a person to approve or reject.</summary>
    public const string Approval = "approval";

    /// <summary>Plans the stack.</summary>
    public const string StackPlan = "stack.plan";

    /// <summary>Applies the stack.</summary>
    public const string StackApply = "stack.apply";

    /// <summary>Destroys the stack.</summary>
    public const string StackDestroy = "stack.destroy";

    /// <summary>Runs a sub-workflow to its end.</summary>
    public const string WorkflowRun = "workflow.run";

    /// <summary>Every built-in action.</summary>
    public static IReadOnlyList<string> All { get; } = [StackApply, StackPlan, StackDestroy, WorkflowRun, Wait, Approval, Exec];

    /// <summary>Whether <paramref name="action"/> works on the stack itself (it loads and locks the stack again).</summary>
    public static bool IsStackOperation(string action) => action is StackPlan or StackApply or StackDestroy or WorkflowRun;
}
