using System.Collections.Immutable;

namespace Baton.Expressions;

/// <summary>
/// The template directive <c>%{ if condition }…%{ else }…%{ endif }</c>: one of two lists of template parts, rendered.
/// It appears only among the parts of a <see cref="TemplateExpression"/> (or of another directive's body); its value is
/// a string.
/// </summary>
/// <param name="Condition">A bool.</param>
/// <param name="Then">The template parts rendered when the condition is true.</param>
/// <param name="Else">The template parts rendered when it is false; empty when there is no <c>%{ else }</c>.</param>
public sealed record IfTemplateExpression(Expression Condition, ImmutableArray<Expression> Then, ImmutableArray<Expression> Else) : Expression;
