using System.Collections.Immutable;

namespace Baton.Expressions;

/// <summary>
/// <c>target[*].name["k"]</c>: applies <see cref="Steps"/> to every element of the list <see cref="Target"/> and
/// yields the list of results. Steps are <see cref="AttributeTraversal"/>, <see cref="IndexTraversal"/> and
/// <see cref="DynamicIndexTraversal"/>; a further <c>[*]</c> starts a new splat around this one.
/// </summary>
/// <param name="Target">The list.</param>
/// <param name="Steps">The attribute and index steps applied to each element, possibly none.</param>
public sealed record SplatExpression(Expression Target, ImmutableArray<Traversal> Steps) : Expression;
