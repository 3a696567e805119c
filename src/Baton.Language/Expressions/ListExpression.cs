using System.Collections.Immutable;

namespace Baton.Expressions;

/// <summary><c>[a, b, …]</c>.</summary>
/// <param name="Items">The element expressions.</param>
public sealed record ListExpression(ImmutableArray<Expression> Items) : Expression;
