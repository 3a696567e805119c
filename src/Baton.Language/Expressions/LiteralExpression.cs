using Baton.Values;

namespace Baton.Expressions;

/// <summary>A constant: a number, string, bool or null. The parser also uses an unknown literal to stand for text that did not parse.</summary>
/// <param name="Value">The constant.</param>
public sealed record LiteralExpression(Value Value) : Expression;
