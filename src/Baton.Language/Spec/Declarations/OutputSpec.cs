using Baton.Diagnostics;
using Baton.Expressions;

namespace Baton.Spec.Declarations;

/// <summary>A stack output.</summary>
public sealed record OutputSpec
{
    /// <summary>The output's name.</summary>
    public required string Name { get; init; }

    /// <summary>Where the name is declared.</summary>
    public required SourceSpan NameSpan { get; init; }

    /// <summary>The value.</summary>
    public required Expression Value { get; init; }

    /// <summary>What the output is.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the output is redacted when shown.</summary>
    public bool Sensitive { get; init; }
}
