using Baton.Expressions;

namespace Baton.Engine.Workflows;

/// <summary>
/// What the workflow runtime needs from where it runs: the stack's variables and resources for expressions, and the
/// actions it does not carry out itself (provider actions, <c>stack.*</c>, <c>workflow.run</c>). The runtime itself
/// handles <c>wait</c>, <c>approval</c> and <c>exec</c>.
/// </summary>
public interface IWorkflowHost
{
    /// <summary>The stack's directory: where <c>exec</c> runs unless told otherwise, and its confinement root.</summary>
    string StackDirectory { get; }

    /// <summary>The roots an expression sees besides <c>inputs</c>, <c>steps</c>, <c>run</c> and <c>each</c>: <c>var</c>, <c>stack</c>, resources.</summary>
    Task<IEvaluationScope> ScopeAsync(CancellationToken cancellationToken);

    /// <summary>Carries out one attempt of an action the runtime does not handle itself.</summary>
    Task<StepOutcome> InvokeAsync(StepInvocation invocation, CancellationToken cancellationToken);
}
