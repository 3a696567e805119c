using System.Collections.Immutable;

namespace Baton.Expressions;

/// <summary>
/// The template directive <c>%{ for value in collection }…%{ endfor }</c> (or <c>%{ for key, value in collection }</c>):
/// the body rendered once for each element of a list, in order, or each entry of a map, in key order, and joined. The
/// names are locals of the body, not references. It appears only among the parts of a <see cref="TemplateExpression"/>
/// (or of another directive's body); its value is a string.
/// </summary>
/// <param name="KeyName">The name of the index of a list element or the key of a map entry; null when only the value is named.</param>
/// <param name="ValueName">The name of the element or entry value.</param>
/// <param name="Collection">A list or a map.</param>
/// <param name="Body">The template parts rendered for each element, in order.</param>
public sealed record ForTemplateExpression(string? KeyName, string ValueName, Expression Collection, ImmutableArray<Expression> Body) : Expression;
