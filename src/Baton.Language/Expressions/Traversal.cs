namespace Baton.Expressions;

/// <summary>
/// One step after the root of a <see cref="Reference"/>, or after <c>[*]</c> in a <see cref="SplatExpression"/>:
/// <see cref="AttributeTraversal"/>, <see cref="IndexTraversal"/>, <see cref="DynamicIndexTraversal"/> or
/// <see cref="SplatTraversal"/>.
/// </summary>
public abstract record Traversal;
