namespace Baton.Expressions;

/// <summary><c>left op right</c>.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand, evaluated only when needed for <c>&amp;&amp;</c> and <c>||</c>.</param>
public sealed record BinaryExpression(BinaryOperator Operator, Expression Left, Expression Right) : Expression;
