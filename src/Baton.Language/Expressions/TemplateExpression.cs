using System.Collections.Immutable;

namespace Baton.Expressions;

/// <summary>
/// String interpolation: the parts are converted to strings and joined. Literal text parts are string
/// <see cref="LiteralExpression"/>s. The result is always a string.
/// </summary>
/// <param name="Parts">The literal text and interpolated expressions, in order.</param>
public sealed record TemplateExpression(ImmutableArray<Expression> Parts) : Expression;
