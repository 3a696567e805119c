using Baton.Diagnostics;
using Baton.Text;

namespace Baton.Expressions;

/// <summary>
/// Parses the <c>${…}</c> expression language. Parsing never throws: every problem becomes a diagnostic with the
/// span of the offending text, and the returned tree stands in an unknown literal for what did not parse, so that
/// evaluating it adds no further diagnostics.
/// </summary>
/// <remarks>
/// Identifiers are a letter or <c>_</c>, then letters, digits, <c>_</c> and <c>-</c>; a hyphen belongs to the
/// identifier when a letter, digit or <c>_</c> follows it. So, as in Terraform, <c>a-b</c> is one name and
/// subtraction needs a space: <c>a - b</c> or <c>a -b</c>. Trees are at most 256 levels deep.
/// </remarks>
public static class ExpressionParser
{
    /// <summary>
    /// Parses a YAML string value that may contain interpolations and directives. Text without <c>${</c> or <c>%{</c> is
    /// a string literal; text that is exactly one <c>${ expr }</c> is that expression, so its value keeps its type;
    /// anything else is a <see cref="TemplateExpression"/>, whose <c>%{ for }</c> and <c>%{ if }</c> directives are
    /// <see cref="ForTemplateExpression"/> and <see cref="IfTemplateExpression"/> parts. <c>$${</c> stands for a literal
    /// <c>${</c>, <c>%%{</c> for a literal <c>%{</c>; a <c>~</c> inside a brace (<c>${~ x ~}</c>, <c>%{~ if c ~}</c>)
    /// strips the whitespace on that side.
    /// </summary>
    public static Expression ParseTemplate(string text, TextOrigin origin, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return new Parser(text, origin, diagnostics).ParseTemplateText();
    }

    /// <summary>Parses a bare expression, such as a policy condition <c>resource.type == "s3.bucket"</c>.</summary>
    public static Expression ParseExpression(string text, TextOrigin origin, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return new Parser(text, origin, diagnostics).ParseWholeExpression();
    }
}
