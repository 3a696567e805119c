namespace Baton.Expressions;

/// <summary><c>condition ? trueResult : falseResult</c>; only the chosen branch is evaluated when the condition is known.</summary>
/// <param name="Condition">A bool.</param>
/// <param name="TrueResult">The result when the condition is true.</param>
/// <param name="FalseResult">The result when the condition is false.</param>
public sealed record ConditionalExpression(Expression Condition, Expression TrueResult, Expression FalseResult) : Expression;
