using System.Collections.Immutable;
using System.Text;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>
/// Prints expressions as canonical text: one space around binary operators, parentheses only where precedence needs
/// them. <see cref="ExpressionParser.ParseExpression"/> reads the printed text back as an equal tree
/// (by <see cref="ExpressionComparer"/>) for every tree the parser can produce. Template directives print as
/// <c>%{ for k, v in coll }…%{ endfor }</c> and <c>%{ if cond }…%{ else }…%{ endif }</c>, without strip markers: the
/// parser has already applied those to the text.
/// </summary>
/// <remarks>
/// Trees the parser cannot produce print as the nearest text: an attribute name that is not an identifier prints as
/// an index <c>["name"]</c>, a list or map literal value prints as a list or map expression, an unknown literal
/// (a parse error) prints as <c>null</c>, and a directive outside a template prints as a template of that directive.
/// </remarks>
public static class ExpressionPrinter
{
    /// <summary>The expression as expression text.</summary>
    public static string Print(Expression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var builder = new StringBuilder();
        Write(builder, expression, 0);
        return builder.ToString();
    }

    /// <summary>
    /// The expression as the text of a YAML string value that <see cref="ExpressionParser.ParseTemplate"/> reads back
    /// as an equal tree: plain text for a string literal, the template's text for a template, <c>${…}</c> around anything else.
    /// </summary>
    public static string PrintTemplate(Expression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var builder = new StringBuilder();
        switch (expression)
        {
            case LiteralExpression { Value.Kind: ValueKind.String } literal:
                AppendTemplateText(builder, literal.Value.AsString());
                break;
            case TemplateExpression template when template.Parts.Length > 1 || template.Parts.Any(Syntax.IsDirective):
                WriteTemplateParts(builder, template.Parts, escapes: false, body: false);
                break;
            case ForTemplateExpression or IfTemplateExpression:
                WriteDirective(builder, expression, escapes: false);
                break;
            default:
                // A template of one interpolation alone would read back as the bare expression: keep it quoted inside.
                builder.Append("${");
                Write(builder, expression, 0);
                builder.Append('}');
                break;
        }

        return builder.ToString();
    }

    private static int PrecedenceOf(Expression expression) => expression switch
    {
        ConditionalExpression => Syntax.ConditionalPrecedence,
        BinaryExpression binary => Syntax.Precedence(binary.Operator),
        UnaryExpression => Syntax.UnaryPrecedence,
        LiteralExpression { Value.Kind: ValueKind.Number } literal when literal.Value.AsNumber() < 0 => Syntax.UnaryPrecedence,
        GetAttrExpression or IndexExpression or SplatExpression => Syntax.PostfixPrecedence,
        _ => Syntax.PrimaryPrecedence,
    };

    private static void Write(StringBuilder builder, Expression expression, int minimumPrecedence)
    {
        var parenthesise = PrecedenceOf(expression) < minimumPrecedence;
        if (parenthesise)
        {
            builder.Append('(');
        }

        switch (expression)
        {
            case LiteralExpression literal:
                WriteValue(builder, literal.Value);
                break;
            case TemplateExpression template:
                builder.Append('"');
                WriteTemplateParts(builder, template.Parts, escapes: true, body: false);
                builder.Append('"');
                break;
            case ForTemplateExpression or IfTemplateExpression:
                builder.Append('"');
                WriteDirective(builder, expression, escapes: true);
                builder.Append('"');
                break;
            case VariableExpression variable:
                builder.Append(variable.Name);
                break;
            case GetAttrExpression getAttr:
                WriteTarget(builder, getAttr.Target);
                WriteAttribute(builder, getAttr.Name);
                break;
            case IndexExpression index:
                WriteTarget(builder, index.Target);
                builder.Append('[');
                Write(builder, index.Key, 0);
                builder.Append(']');
                break;
            case SplatExpression splat:
                Write(builder, splat.Target, Syntax.PostfixPrecedence);
                builder.Append("[*]");
                foreach (var step in splat.Steps)
                {
                    WriteStep(builder, step);
                }

                break;
            case FunctionCallExpression call:
                builder.Append(call.Name).Append('(');
                WriteList(builder, call.Arguments);
                builder.Append(')');
                break;
            case UnaryExpression unary:
                builder.Append(Syntax.Symbol(unary.Operator));
                if (unary.Operator == UnaryOperator.Negate && unary.Operand is LiteralExpression { Value.Kind: ValueKind.Number } number && number.Value.AsNumber() >= 0)
                {
                    // "-5" reads back as a negative literal; "-(5)" keeps the operator.
                    builder.Append('(');
                    Write(builder, unary.Operand, 0);
                    builder.Append(')');
                }
                else
                {
                    Write(builder, unary.Operand, Syntax.UnaryPrecedence);
                }

                break;
            case BinaryExpression binary:
                var precedence = Syntax.Precedence(binary.Operator);
                Write(builder, binary.Left, precedence);
                builder.Append(' ').Append(Syntax.Symbol(binary.Operator)).Append(' ');
                Write(builder, binary.Right, precedence + 1);
                break;
            case ConditionalExpression conditional:
                Write(builder, conditional.Condition, Syntax.ConditionalPrecedence + 1);
                builder.Append(" ? ");
                Write(builder, conditional.TrueResult, 0);
                builder.Append(" : ");
                Write(builder, conditional.FalseResult, Syntax.ConditionalPrecedence);
                break;
            case ListExpression list:
                builder.Append('[');
                WriteList(builder, list.Items);
                builder.Append(']');
                break;
            case MapExpression map:
                WriteMap(builder, map);
                break;
            default:
                builder.Append("null");
                break;
        }

        if (parenthesise)
        {
            builder.Append(')');
        }
    }

    /// <summary>Writes the target of <c>.name</c> or <c>[key]</c>; a splat is parenthesised, or the step would join the splat's steps.</summary>
    private static void WriteTarget(StringBuilder builder, Expression target) =>
        Write(builder, target, target is SplatExpression ? Syntax.PrimaryPrecedence : Syntax.PostfixPrecedence);

    private static void WriteStep(StringBuilder builder, Traversal step)
    {
        switch (step)
        {
            case AttributeTraversal attribute:
                WriteAttribute(builder, attribute.Name);
                break;
            case IndexTraversal index:
                builder.Append('[');
                WriteValue(builder, index.Key);
                builder.Append(']');
                break;
            case DynamicIndexTraversal dynamic:
                builder.Append('[');
                Write(builder, dynamic.Key, 0);
                builder.Append(']');
                break;
            default:
                builder.Append("[*]");
                break;
        }
    }

    private static void WriteAttribute(StringBuilder builder, string name)
    {
        if (Syntax.IsIdentifier(name))
        {
            builder.Append('.').Append(name);
        }
        else
        {
            builder.Append('[');
            AppendQuoted(builder, name);
            builder.Append(']');
        }
    }

    private static void WriteList(StringBuilder builder, IEnumerable<Expression> items)
    {
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                builder.Append(", ");
            }

            first = false;
            Write(builder, item, 0);
        }
    }

    private static void WriteMap(StringBuilder builder, MapExpression map)
    {
        if (map.Entries.IsEmpty)
        {
            builder.Append("{}");
            return;
        }

        builder.Append("{ ");
        var first = true;
        foreach (var entry in map.Entries)
        {
            if (!first)
            {
                builder.Append(", ");
            }

            first = false;
            switch (entry.Key)
            {
                case LiteralExpression { Value.Kind: ValueKind.String } key when Syntax.IsIdentifier(key.Value.AsString()):
                    builder.Append(key.Value.AsString());
                    break;
                case LiteralExpression { Value.Kind: ValueKind.String } or TemplateExpression:
                    Write(builder, entry.Key, 0);
                    break;
                default:
                    builder.Append('(');
                    Write(builder, entry.Key, 0);
                    builder.Append(')');
                    break;
            }

            builder.Append(" = ");
            Write(builder, entry.Value, 0);
        }

        builder.Append(" }");
    }

    private static void WriteValue(StringBuilder builder, Value value)
    {
        switch (value.Kind)
        {
            case ValueKind.Bool:
                builder.Append(value.AsBool() ? "true" : "false");
                break;
            case ValueKind.Number:
                builder.Append(Value.FormatNumber(value.AsNumber()));
                break;
            case ValueKind.String:
                AppendQuoted(builder, value.AsString());
                break;
            case ValueKind.List:
                builder.Append('[');
                var first = true;
                foreach (var item in value.AsList())
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    WriteValue(builder, item);
                }

                builder.Append(']');
                break;
            case ValueKind.Map:
                builder.Append('{');
                var firstEntry = true;
                foreach (var (key, item) in value.AsMap())
                {
                    builder.Append(firstEntry ? " " : ", ");
                    firstEntry = false;
                    AppendQuoted(builder, key);
                    builder.Append(" = ");
                    WriteValue(builder, item);
                }

                builder.Append(firstEntry ? "}" : " }");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    /// <summary>
    /// Writes template parts. A string literal part is written as plain text unless that would not read back as the
    /// same part: right after another text part (they would merge), empty, ending in <c>$</c> or <c>%</c> before a
    /// further part or a directive's closing <c>%{</c> (it would escape the next <c>${</c> or <c>%{</c>), or, in a
    /// template (not a directive's <paramref name="body"/>), when no part at all is an interpolation (the text would
    /// read back as a plain string). Those are written as interpolations of a string literal, <c>${"text"}</c>.
    /// </summary>
    private static void WriteTemplateParts(StringBuilder builder, ImmutableArray<Expression> parts, bool escapes, bool body)
    {
        var asText = new bool[parts.Length];
        var anyInterpolation = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var followed = i + 1 < parts.Length;
            asText[i] = parts[i] is LiteralExpression { Value.Kind: ValueKind.String } literal
                && literal.Value.AsString().Length > 0
                && (i == 0 || !asText[i - 1])
                && !(followed && literal.Value.AsString().EndsWith('$'))
                && !((followed || body) && literal.Value.AsString().EndsWith('%'));
            anyInterpolation |= !asText[i];
        }

        if (!body && !anyInterpolation && parts.Length > 0)
        {
            asText[0] = false;
        }

        for (var i = 0; i < parts.Length; i++)
        {
            if (asText[i])
            {
                var text = ((LiteralExpression)parts[i]).Value.AsString();
                if (escapes)
                {
                    AppendEscaped(builder, text);
                }
                else
                {
                    AppendTemplateText(builder, text);
                }
            }
            else if (Syntax.IsDirective(parts[i]))
            {
                WriteDirective(builder, parts[i], escapes);
            }
            else
            {
                builder.Append("${");
                Write(builder, parts[i], 0);
                builder.Append('}');
            }
        }
    }

    private static void WriteDirective(StringBuilder builder, Expression directive, bool escapes)
    {
        switch (directive)
        {
            case ForTemplateExpression loop:
                builder.Append("%{ for ");
                if (loop.KeyName is not null)
                {
                    builder.Append(loop.KeyName).Append(", ");
                }

                builder.Append(loop.ValueName).Append(" in ");
                Write(builder, loop.Collection, 0);
                builder.Append(" }");
                WriteTemplateParts(builder, loop.Body, escapes, body: true);
                builder.Append("%{ endfor }");
                break;
            case IfTemplateExpression branch:
                builder.Append("%{ if ");
                Write(builder, branch.Condition, 0);
                builder.Append(" }");
                WriteTemplateParts(builder, branch.Then, escapes, body: true);
                if (!branch.Else.IsEmpty)
                {
                    builder.Append("%{ else }");
                    WriteTemplateParts(builder, branch.Else, escapes, body: true);
                }

                builder.Append("%{ endif }");
                break;
            default:
                break;
        }
    }

    /// <summary>A string literal in expression syntax, with <c>${</c> escaped as <c>$${</c> and <c>%{</c> as <c>%%{</c>.</summary>
    private static void AppendQuoted(StringBuilder builder, string text)
    {
        builder.Append('"');
        AppendEscaped(builder, text);
        builder.Append('"');
    }

    private static void AppendEscaped(StringBuilder builder, string text)
    {
        var quoted = new StringBuilder();
        Value.AppendQuoted(quoted, text);
        builder.Append(EscapeTemplateText(quoted.ToString(1, quoted.Length - 2)));
    }

    private static void AppendTemplateText(StringBuilder builder, string text) => builder.Append(EscapeTemplateText(text));

    private static string EscapeTemplateText(string text) =>
        text.Replace("${", "$${", StringComparison.Ordinal).Replace("%{", "%%{", StringComparison.Ordinal);
}
