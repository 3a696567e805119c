using Baton.Engine.Planning;
using Baton.Engine.Providers;
using Baton.Expressions;
using Baton.Binding;
using Baton.Providers;
using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>
/// Runs workflow steps against one stack: expressions see its variables and the resources in its state; provider
/// actions (<c>postgres.dump</c>, <c>s3.put</c>…) go to its provider instances. Stack operations and sub-workflows
/// (<c>stack.*</c>, <c>workflow.run</c>) go to <paramref name="operations"/>, which the caller supplies because they
/// load and lock the stack again.
/// </summary>
public sealed class StackWorkflowHost(StackSession session, Func<StepInvocation, CancellationToken, Task<StepOutcome>>? operations = null) : IWorkflowHost
{
    /// <inheritdoc />
    public string StackDirectory => session.StackDirectory;

    /// <inheritdoc />
    public async Task<IEvaluationScope> ScopeAsync(CancellationToken cancellationToken)
    {
        var state = await session.Store.LoadAsync(session.Name, cancellationToken);
        var values = new InstanceValues(session.Stack.Graph.Nodes);
        foreach (var resource in state.Resources.Values)
        {
            values.Set(resource.Address, resource.Attributes);
        }

        return new InstanceScope(Value.Map(session.Stack.Variables), Planner.StackValue(session.Stack, session.StackDirectory), null, values, session.Host);
    }

    /// <inheritdoc />
    public async Task<StepOutcome> InvokeAsync(StepInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (BuiltInActions.IsStackOperation(invocation.Uses))
        {
            return operations is null
                ? StepOutcome.Permanent($"{invocation.Uses} is not available here")
                : await operations(invocation, cancellationToken);
        }

        var dot = invocation.Uses.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return StepOutcome.Permanent($"unknown action \"{invocation.Uses}\"");
        }

        IProvider provider;
        try
        {
            provider = await session.Providers.GetAsync(invocation.Uses[..dot], cancellationToken);
        }
        catch (ProviderUnavailableException ex)
        {
            return StepOutcome.Permanent(ex.Message);
        }

        var result = await provider.InvokeAsync(
            new InvokeRequest { Action = invocation.Uses, Inputs = invocation.Inputs, IdempotencyKey = invocation.IdempotencyKey },
            cancellationToken);
        return result.Error switch
        {
            null => StepOutcome.Success(result.Outputs),
            { Kind: ProviderErrorKind.Permanent } error => StepOutcome.Permanent(error.Message),
            var error => StepOutcome.Transient(error.Message, error.RetryAfter),
        };
    }
}
