using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Expressions;

namespace Baton.Spec.Declarations;

/// <summary>One step of a workflow.</summary>
public sealed record StepSpec
{
    /// <summary>The step's id, as referenced by <c>steps.ID</c> and <c>needs</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Where the id is declared.</summary>
    public required SourceSpan IdSpan { get; init; }

    /// <summary>The action: <c>provider.action</c> or a built-in.</summary>
    public required NameReference Uses { get; init; }

    /// <summary>What the step does.</summary>
    public string? Description { get; init; }

    /// <summary>The action's inputs, a map expression.</summary>
    public Expression? With { get; init; }

    /// <summary>Steps that must finish first.</summary>
    public ImmutableArray<NameReference> Needs { get; init; } = [];

    /// <summary>The condition for running the step.</summary>
    public Expression? If { get; init; }

    /// <summary>The collection to run the step once per item of.</summary>
    public Expression? ForEach { get; init; }

    /// <summary>The most <c>for_each</c> items at once.</summary>
    public int? Concurrency { get; init; }

    /// <summary>The retry policy; null means one attempt.</summary>
    public RetrySpec? Retry { get; init; }

    /// <summary>The limit for the whole step, retries included.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The limit for one attempt.</summary>
    public TimeSpan? AttemptTimeout { get; init; }

    /// <summary>Whether the run goes on when this step fails.</summary>
    public bool ContinueOnError { get; init; }

    /// <summary>The action that undoes the step.</summary>
    public CompensateSpec? Compensate { get; init; }

    /// <summary>Whether the step is an <c>on_exit</c> step.</summary>
    public bool IsOnExit { get; init; }
}
