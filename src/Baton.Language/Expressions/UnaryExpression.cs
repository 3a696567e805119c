namespace Baton.Expressions;

/// <summary><c>!operand</c> or <c>-operand</c>.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="Operand">The operand.</param>
public sealed record UnaryExpression(UnaryOperator Operator, Expression Operand) : Expression;
