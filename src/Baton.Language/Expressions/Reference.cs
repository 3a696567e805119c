using System.Collections.Immutable;
using System.Text;
using Baton.Diagnostics;

namespace Baton.Expressions;

/// <summary>
/// A reference in an expression: a root identifier and the attribute and index steps after it, such as
/// <c>web[1].endpoint</c> (root <c>web</c>, steps <c>[1]</c>, <c>.endpoint</c>).
/// </summary>
/// <param name="Root">The root identifier: <c>var</c>, a resource name, <c>steps</c>, …</param>
/// <param name="Steps">The steps after the root, outermost last.</param>
/// <param name="Span">Where the root and its steps are.</param>
public sealed record Reference(string Root, ImmutableArray<Traversal> Steps, SourceSpan Span)
{
    /// <summary>Where the root identifier alone is; the whole span unless set.</summary>
    public SourceSpan RootSpan { get; init; } = Span;

    /// <summary>The name of the first attribute step, if the first step is one (<c>replicas</c> of <c>var.replicas</c>).</summary>
    public string? FirstAttribute => !Steps.IsEmpty && Steps[0] is AttributeTraversal attribute ? attribute.Name : null;

    /// <summary>Whether the steps are equal, comparing dynamic keys by structure.</summary>
    public bool Equals(Reference? other) =>
        other is not null
        && Root == other.Root
        && Span == other.Span
        && RootSpan == other.RootSpan
        && Steps.Length == other.Steps.Length
        && Steps.Zip(other.Steps).All(p => ExpressionComparer.Instance.StepEquals(p.First, p.Second));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Root, Steps.Length, Span);

    /// <summary>The reference as text, such as <c>web[1].endpoint</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(Root);
        foreach (var step in Steps)
        {
            builder.Append(step);
        }

        return builder.ToString();
    }
}
