using Baton.Diagnostics;
using Baton.Expressions;

namespace Baton.Spec.Declarations;

/// <summary>A configured provider instance: <c>s3</c> (the family's default instance) or <c>s3.dr</c> (a named one).</summary>
public sealed record ProviderSpec
{
    /// <summary>The instance name as written: <c>s3</c> or <c>s3.dr</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The provider family (<c>s3</c>), from the name or from <c>type:</c>.</summary>
    public required string Family { get; init; }

    /// <summary>Where the instance is declared.</summary>
    public required SourceSpan NameSpan { get; init; }

    /// <summary>The configuration, a map expression (without <c>type</c>).</summary>
    public Expression? Config { get; init; }
}
