namespace Baton.Expressions;

/// <summary>
/// One entry of a <see cref="MapExpression"/>. A bare identifier key such as <c>name</c> is parsed as the string
/// literal <c>"name"</c>; a parenthesised key is any expression that evaluates to a string.
/// </summary>
/// <param name="Key">The key expression.</param>
/// <param name="Value">The value expression.</param>
public sealed record MapEntry(Expression Key, Expression Value);
