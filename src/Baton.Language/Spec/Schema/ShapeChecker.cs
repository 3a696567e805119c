using Baton.Addresses;
using Baton.Diagnostics;
using Baton.Spec.Yaml;
using Baton.Text;
using Baton.Values;

namespace Baton.Spec.Schema;

/// <summary>
/// Checks a YAML tree against a <see cref="Shape"/>: unknown keys (with a suggestion), missing keys, nodes of the
/// wrong kind, names, literal scalars and duplicate keys. Meaning (references, types of expressions) is checked later.
/// </summary>
internal static class ShapeChecker
{
    /// <summary>Checks <paramref name="node"/> against <paramref name="shape"/>.</summary>
    /// <param name="node">The node to check.</param>
    /// <param name="shape">Its expected shape.</param>
    /// <param name="diagnostics">Where problems go.</param>
    /// <param name="where">How messages name the node: <c>resource "db"</c>, <c>lifecycle of resource "db"</c>.</param>
    /// <param name="owner">The key the node is the value of, where a missing key is reported.</param>
    public static void Check(YamlNode node, Shape shape, DiagnosticBag diagnostics, string where, SourceSpan? owner = null) =>
        Check(node, shape, diagnostics, new Place(where, string.Empty, owner));

    /// <summary>A named thing (<c>resource "db"</c>) and the path of keys inside it.</summary>
    private sealed record Place(string Entity, string Path, SourceSpan? Owner)
    {
        public Place Field(string key, SourceSpan keySpan) => this with { Path = Path.Length == 0 ? key : Path + "." + key, Owner = keySpan };

        public Place Item(int index) => this with { Path = (Path.Length == 0 ? "item" : Path) + $"[{index}]" };

        public override string ToString() => Path.Length == 0 ? Entity : $"{Path} of {Entity}";
    }

    private static void Check(YamlNode node, Shape shape, DiagnosticBag diagnostics, Place where)
    {
        switch (shape)
        {
            case AnyShape:
                return;
            case OneOfShape oneOf:
                var chosen = Choose(oneOf, node);
                if (chosen is null)
                {
                    diagnostics.Error(DiagnosticCodes.WrongNodeKind, $"{where} cannot be {node.KindName}; expected {Expected(oneOf)}", node.Span);
                    return;
                }

                Check(node, chosen, diagnostics, where);
                return;
            case ScalarShape scalarShape:
                CheckScalar(node, scalarShape, diagnostics, where);
                return;
            case ListShape listShape:
                if (node is YamlSequence sequence)
                {
                    for (var i = 0; i < sequence.Items.Count; i++)
                    {
                        Check(sequence.Items[i], listShape.Items, diagnostics, where.Item(i));
                    }
                }
                else if (!(listShape.AllowsExpression && node is YamlScalar s && s.Value.Contains("${", StringComparison.Ordinal)))
                {
                    WrongKind(node, "a list", diagnostics, where);
                }

                return;
            case ObjectShape objectShape:
                CheckObject(node, objectShape, diagnostics, where);
                return;
            case MapShape mapShape:
                CheckMap(node, mapShape, diagnostics, where);
                return;
            default:
                return;
        }
    }

    private static Shape? Choose(OneOfShape oneOf, YamlNode node)
    {
        foreach (var alternative in oneOf.Alternatives)
        {
            var fits = (alternative, node) switch
            {
                (AnyShape, _) => true,
                (ScalarShape, YamlScalar) => true,
                (ListShape, YamlSequence) => true,
                (ObjectShape or MapShape, YamlMapping) => true,
                _ => false,
            };
            if (fits)
            {
                return alternative;
            }
        }

        return null;
    }

    private static string Expected(OneOfShape oneOf) =>
        string.Join(" or ", oneOf.Alternatives.Select(a => a switch
        {
            ScalarShape s => Noun(s.Kind),
            ListShape => "a list",
            _ => "a map",
        }).Distinct());

    private static void CheckObject(YamlNode node, ObjectShape shape, DiagnosticBag diagnostics, Place where)
    {
        if (node is not YamlMapping mapping)
        {
            WrongKind(node, "a map", diagnostics, where);
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in FirstOfEachKey(mapping, diagnostics, key => ($"the key \"{key}\" is given twice in {where}", "first given here")))
        {
            var key = entry.Key.Value;
            seen.Add(key);
            var field = shape.Field(key);
            if (field is null)
            {
                diagnostics.Error(
                    DiagnosticCodes.UnknownKey,
                    $"unknown key \"{key}\" in {where}",
                    entry.Key.Span,
                    Suggestions.DidYouMean(key, shape.Fields.Select(f => f.Name))
                        ?? "expected one of: " + string.Join(", ", shape.Fields.Select(f => f.Name)));
                continue;
            }

            Check(entry.Value, field.Shape, diagnostics, where.Field(key, entry.Key.Span));
        }

        foreach (var field in shape.Fields)
        {
            if (field.Required && !seen.Contains(field.Name))
            {
                var span = where.Owner ?? new SourceSpan(mapping.Span.File, mapping.Span.Start, new SourcePosition(mapping.Span.Start.Line, mapping.Span.Start.Column + 1));
                diagnostics.Error(DiagnosticCodes.MissingKey, $"{where} is missing the required key \"{field.Name}\"", span);
            }
        }
    }

    private static void CheckMap(YamlNode node, MapShape shape, DiagnosticBag diagnostics, Place where)
    {
        if (node is YamlScalar { IsNull: true })
        {
            return;
        }

        if (node is not YamlMapping mapping)
        {
            WrongKind(node, "a map", diagnostics, where);
            return;
        }

        foreach (var entry in FirstOfEachKey(mapping, diagnostics, key => ($"the {shape.KeyNoun} \"{key}\" is defined twice", "first defined here")))
        {
            var key = entry.Key.Value;
            if (shape.KeysAreNames && !IsValidKey(key, shape.KeysMayHaveAlias))
            {
                diagnostics.Error(
                    DiagnosticCodes.InvalidName,
                    $"\"{key}\" is not a valid {shape.KeyNoun} name",
                    entry.Key.Span,
                    "a name starts with a letter and holds only letters, digits, _ and -" + (shape.KeysMayHaveAlias ? "; an instance is family.alias" : string.Empty));
            }

            Check(entry.Value, shape.Values, diagnostics, new Place($"{shape.KeyNoun} \"{key}\"", string.Empty, entry.Key.Span));
        }
    }

    /// <summary>The entries of a mapping, the first of each key; every repeat is a duplicate-name error pointing at both.</summary>
    private static IEnumerable<YamlEntry> FirstOfEachKey(YamlMapping mapping, DiagnosticBag diagnostics, Func<string, (string Message, string Note)> duplicate)
    {
        var seen = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            if (seen.TryGetValue(entry.Key.Value, out var first))
            {
                var (message, note) = duplicate(entry.Key.Value);
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.DuplicateName, message, entry.Key.Span).WithNote(note, first.Span));
                continue;
            }

            seen.Add(entry.Key.Value, entry.Key);
            yield return entry;
        }
    }

    private static bool IsValidKey(string key, bool mayHaveAlias)
    {
        if (!mayHaveAlias)
        {
            return ResourceAddress.IsValidName(key);
        }

        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot < 0
            ? ResourceAddress.IsValidName(key)
            : ResourceAddress.IsValidName(key[..dot]) && ResourceAddress.IsValidName(key[(dot + 1)..]);
    }

    private static void CheckScalar(YamlNode node, ScalarShape shape, DiagnosticBag diagnostics, Place where)
    {
        if (node is not YamlScalar scalar)
        {
            WrongKind(node, Noun(shape.Kind), diagnostics, where);
            return;
        }

        var text = scalar.Value;
        var isExpression = text.Contains("${", StringComparison.Ordinal);
        if (isExpression && shape.Kind != ScalarKind.Expression && shape.Kind != ScalarKind.String)
        {
            if (!shape.AllowsExpression)
            {
                diagnostics.Error(DiagnosticCodes.InvalidScalar, $"{where} must be a literal {Noun(shape.Kind)}; expressions are not allowed here", scalar.Span);
            }

            return;
        }

        if (isExpression && shape.Kind == ScalarKind.String && !shape.AllowsExpression && shape.Enum.Length > 0)
        {
            diagnostics.Error(DiagnosticCodes.InvalidScalar, $"{where} must be a literal; expressions are not allowed here", scalar.Span);
            return;
        }

        var problem = shape.Kind switch
        {
            ScalarKind.Integer => IsWholeNumber(text) ? null : $"{where} must be a whole number, not \"{text}\"",
            ScalarKind.Number => double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
                ? null
                : $"{where} must be a number, not \"{text}\"",
            ScalarKind.Boolean => text is "true" or "false" ? null : $"{where} must be true or false, not \"{text}\"",
            ScalarKind.Duration => Durations.TryParse(text, out _) ? null : $"{where} must be a duration such as 500ms, 30s or 1h30m, not \"{text}\"",
            ScalarKind.TypeName => BatonType.TryParse(text, out _) ? null : $"\"{text}\" is not a type",
            ScalarKind.Name => ResourceAddress.IsValidName(text) ? null : $"\"{text}\" is not a valid name",
            _ => null,
        };
        if (problem is not null)
        {
            var code = shape.Kind switch
            {
                ScalarKind.TypeName => DiagnosticCodes.UnknownType,
                ScalarKind.Name => DiagnosticCodes.InvalidName,
                _ => DiagnosticCodes.InvalidScalar,
            };
            var help = shape.Kind switch
            {
                ScalarKind.TypeName => Suggestions.DidYouMean(text, ["string", "number", "int", "bool", "list", "map", "any"])
                    ?? "types are string, number, int, bool, any, list(T) and map(T)",
                ScalarKind.Name => "a name starts with a letter and holds only letters, digits, _ and -",
                _ => null,
            };
            diagnostics.Error(code, problem, scalar.Span, help);
            return;
        }

        if (shape.Enum.Length > 0 && !shape.Enum.Contains(text))
        {
            diagnostics.Error(
                DiagnosticCodes.InvalidScalar,
                $"{where} must be one of {string.Join(", ", shape.Enum)}, not \"{text}\"",
                scalar.Span,
                Suggestions.DidYouMean(text, shape.Enum));
        }
    }

    private static void WrongKind(YamlNode node, string expected, DiagnosticBag diagnostics, Place where) =>
        diagnostics.Error(DiagnosticCodes.WrongNodeKind, $"{where} must be {expected}, not {node.KindName}", node.Span);

    private static string Noun(ScalarKind kind) => kind switch
    {
        ScalarKind.Integer => "whole number",
        ScalarKind.Number => "number",
        ScalarKind.Boolean => "true or false",
        ScalarKind.Duration => "duration",
        ScalarKind.TypeName => "type name",
        ScalarKind.Name => "name",
        ScalarKind.Expression => "expression",
        _ => "string",
    };

    /// <summary>A whole number, also when written as 1e3 or 2.0 (the range is checked where the number is used).</summary>
    internal static bool IsWholeNumber(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)
        || (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number) && number == Math.Floor(number));
}
