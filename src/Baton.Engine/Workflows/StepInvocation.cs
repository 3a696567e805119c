using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>One attempt of a step's action, as the host carries it out.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Step">The step's key.</param>
/// <param name="Attempt">The attempt, from 1.</param>
/// <param name="Uses">The action: <c>provider.action</c>, <c>stack.apply</c>, <c>workflow.run</c>…</param>
/// <param name="Inputs">The evaluated <c>with</c> map.</param>
/// <param name="IdempotencyKey"><c>run:step:attempt</c>, the same for a retried delivery of the same attempt.</param>
public sealed record StepInvocation(string RunId, string Step, int Attempt, string Uses, Value Inputs, string IdempotencyKey);
