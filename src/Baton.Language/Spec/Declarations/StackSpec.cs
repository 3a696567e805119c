using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Text;

namespace Baton.Spec.Declarations;

/// <summary>A whole stack as written: every file of the stack directory merged, before variables are bound.</summary>
public sealed record StackSpec
{
    /// <summary>The stack's name (from <c>stack:</c>, else the directory's name).</summary>
    public required string Name { get; init; }

    /// <summary>What the stack is.</summary>
    public string? Description { get; init; }

    /// <summary>The files the stack was read from, for showing source lines under diagnostics.</summary>
    public required ImmutableArray<SourceFile> Files { get; init; }

    /// <summary>Declared variables.</summary>
    public required ImmutableArray<VariableSpec> Variables { get; init; }

    /// <summary>Configured provider instances.</summary>
    public required ImmutableArray<ProviderSpec> Providers { get; init; }

    /// <summary>Groups of remote hosts (<c>hosts:</c>), in the order written.</summary>
    public ImmutableArray<HostGroupSpec> HostGroups { get; init; } = [];

    /// <summary>Resources.</summary>
    public required ImmutableArray<ResourceSpec> Resources { get; init; }

    /// <summary>Outputs.</summary>
    public required ImmutableArray<OutputSpec> Outputs { get; init; }

    /// <summary>Workflows.</summary>
    public required ImmutableArray<WorkflowSpec> Workflows { get; init; }

    /// <summary>Policies.</summary>
    public required ImmutableArray<PolicySpec> Policies { get; init; }

    /// <summary>Where the name was given, if it was.</summary>
    public SourceSpan? NameSpan { get; init; }

    /// <summary>How a control plane checks health and drift.</summary>
    public ReconcileSpec Reconcile { get; init; } = ReconcileSpec.Default;
}
