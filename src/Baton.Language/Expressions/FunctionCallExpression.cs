using System.Collections.Immutable;
using Baton.Diagnostics;

namespace Baton.Expressions;

/// <summary><c>name(arguments…)</c>: a call of a function of the <see cref="FunctionLibrary"/>.</summary>
/// <param name="Name">The function name.</param>
/// <param name="Arguments">The argument expressions.</param>
/// <param name="NameSpan">Where the function name alone is, to point at an unknown function.</param>
public sealed record FunctionCallExpression(string Name, ImmutableArray<Expression> Arguments, SourceSpan NameSpan) : Expression;
