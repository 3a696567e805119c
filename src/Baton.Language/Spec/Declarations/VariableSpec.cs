using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Values;

namespace Baton.Spec.Declarations;

/// <summary>A declared variable (or workflow input): its type, default and validation rules.</summary>
public sealed record VariableSpec
{
    /// <summary>The name, as referenced by <c>var.NAME</c> (or <c>inputs.NAME</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Where the name is declared.</summary>
    public required SourceSpan NameSpan { get; init; }

    /// <summary>The declared type; <c>any</c> when none is declared.</summary>
    public required BatonType Type { get; init; }

    /// <summary>The default, a literal; null when the variable is required.</summary>
    public Expression? Default { get; init; }

    /// <summary>What the variable is for.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the value is secret.</summary>
    public bool Sensitive { get; init; }

    /// <summary>Rules the value must satisfy.</summary>
    public ImmutableArray<ValidationRuleSpec> Validations { get; init; } = [];
}
