namespace Baton.Expressions;

/// <summary><c>target[key]</c>: an element of a list (by whole number) or a map (by string key).</summary>
/// <param name="Target">The collection.</param>
/// <param name="Key">The index or key.</param>
public sealed record IndexExpression(Expression Target, Expression Key) : Expression;
