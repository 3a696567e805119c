using Baton.Diagnostics;
using Baton.Expressions;

namespace Baton.Spec.Declarations;

/// <summary>A rule over the stack's resources, checked against every plan.</summary>
public sealed record PolicySpec
{
    /// <summary>The policy's name.</summary>
    public required string Name { get; init; }

    /// <summary>Where the policy is declared.</summary>
    public required SourceSpan NameSpan { get; init; }

    /// <summary>What the policy is for.</summary>
    public string? Description { get; init; }

    /// <summary>Which resources it applies to; null means all.</summary>
    public Expression? When { get; init; }

    /// <summary>What must hold for each of them.</summary>
    public required Expression Require { get; init; }

    /// <summary>The message when the requirement fails.</summary>
    public string? Message { get; init; }

    /// <summary>Whether a failure denies the plan or only warns.</summary>
    public PolicyEnforcement Enforcement { get; init; } = PolicyEnforcement.Deny;
}
