using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec.Yaml;
using Baton.Values;

namespace Baton.Spec;

/// <summary>
/// Any YAML value as an expression, keeping positions: maps and lists become map and list expressions, quoted strings
/// and strings holding <c>${…}</c> become templates, and unquoted scalars follow the YAML core schema
/// (<c>2</c> is a number, <c>true</c> a bool, <c>~</c> null).
/// </summary>
internal static partial class YamlExpressions
{
    public static Expression Convert(YamlNode node, DiagnosticBag diagnostics) => node switch
    {
        YamlScalar scalar => Scalar(scalar, diagnostics),
        YamlSequence sequence => new ListExpression([.. sequence.Items.Select(item => Convert(item, diagnostics))]) { Span = sequence.Span },
        YamlMapping mapping => new MapExpression([.. mapping.Entries.Select(entry => new MapEntry(
            new LiteralExpression(Value.String(entry.Key.Value)) { Span = entry.Key.Span },
            Convert(entry.Value, diagnostics)))])
        {
            Span = mapping.Span,
        },
        _ => new LiteralExpression(Value.Null) { Span = node.Span },
    };

    private static Expression Scalar(YamlScalar scalar, DiagnosticBag diagnostics)
    {
        if (scalar.IsPlain && !scalar.Value.Contains("${", StringComparison.Ordinal))
        {
            var literal = PlainValue(scalar.Value);
            return new LiteralExpression(literal) { Span = scalar.Span };
        }

        return ExpressionParser.ParseTemplate(scalar.Value, scalar.Origin, diagnostics);
    }

    /// <summary>The value of an unquoted scalar under the YAML 1.2 core schema.</summary>
    public static Value PlainValue(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return Value.Null;
            case "true" or "True" or "TRUE":
                return Value.True;
            case "false" or "False" or "FALSE":
                return Value.False;
            default:
                break;
        }

        if (NumberPattern().IsMatch(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            return Value.Number(number);
        }

        return Value.String(text);
    }

    /// <summary>A YAML value with no expressions in it as a plain value (for variable files); null where an expression sits.</summary>
    public static Value? Literal(YamlNode node)
    {
        switch (node)
        {
            case YamlScalar scalar:
                return scalar.IsPlain ? PlainValue(scalar.Value) : Value.String(scalar.Value);
            case YamlSequence sequence:
                var items = ImmutableArray.CreateBuilder<Value>(sequence.Items.Count);
                foreach (var item in sequence.Items)
                {
                    if (Literal(item) is not { } value)
                    {
                        return null;
                    }

                    items.Add(value);
                }

                return Value.List(items.ToImmutable());
            case YamlMapping mapping:
                var entries = new List<KeyValuePair<string, Value>>(mapping.Entries.Count);
                foreach (var entry in mapping.Entries)
                {
                    if (Literal(entry.Value) is not { } value)
                    {
                        return null;
                    }

                    entries.Add(new(entry.Key.Value, value));
                }

                return Value.Map(entries);
            default:
                return null;
        }
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberPattern();
}
