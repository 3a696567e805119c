using System.Collections.Immutable;

namespace Baton.Expressions;

/// <summary>
/// String interpolation: the parts are converted to strings and joined. Literal text parts are string
/// <see cref="LiteralExpression"/>s; <c>%{ for }</c> and <c>%{ if }</c> directives are <see cref="ForTemplateExpression"/>
/// and <see cref="IfTemplateExpression"/> parts. The result is always a string.
/// </summary>
/// <param name="Parts">The literal text, interpolated expressions and directives, in order.</param>
public sealed record TemplateExpression(ImmutableArray<Expression> Parts) : Expression;
