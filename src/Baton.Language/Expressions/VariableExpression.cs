namespace Baton.Expressions;

/// <summary>A root identifier such as <c>var</c>, <c>db</c>, <c>steps</c>, <c>each</c>, <c>count</c> or <c>resource</c>.</summary>
/// <param name="Name">The identifier.</param>
public sealed record VariableExpression(string Name) : Expression;
