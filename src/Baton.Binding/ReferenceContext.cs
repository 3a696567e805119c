using Baton.Spec.Declarations;

namespace Baton.Binding;

/// <summary>Where an expression sits, which decides the roots it may reference.</summary>
internal sealed record ReferenceContext
{
    /// <summary>How to name the place in a message: <c>resource "web"</c>.</summary>
    public required string Where { get; init; }

    /// <summary>The resource whose expression this is; its references become dependency edges.</summary>
    public ResourceSpec? Resource { get; init; }

    /// <summary>Whether resource attributes may be referenced.</summary>
    public bool AllowResources { get; init; } = true;

    /// <summary>Whether <c>resource.*</c> (the resource a policy is checking) may be referenced.</summary>
    public bool AllowPolicyResource { get; init; }

    /// <summary>Whether <c>each.*</c> may be referenced.</summary>
    public bool AllowEach { get; init; }

    /// <summary>Whether <c>host.*</c> (the host an instance of a resource with <c>hosts:</c> runs on) may be referenced.</summary>
    public bool AllowHost { get; init; }

    /// <summary>Whether <c>count.index</c> may be referenced.</summary>
    public bool AllowCount { get; init; }

    /// <summary>The workflow, for <c>inputs.*</c>, <c>steps.*</c> and <c>run.*</c>.</summary>
    public WorkflowSpec? Workflow { get; init; }

    /// <summary>The step, when the expression belongs to one.</summary>
    public StepSpec? Step { get; init; }

    /// <summary>The steps whose outputs are visible; null means every step.</summary>
    public IReadOnlySet<string>? VisibleSteps { get; init; }

    /// <summary>The reason for <see cref="AllowResources"/> being false, for the message.</summary>
    public string? ResourcesForbiddenBecause { get; init; }
}
