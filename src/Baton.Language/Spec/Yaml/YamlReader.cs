using System.Text.RegularExpressions;
using Baton.Diagnostics;
using Baton.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Baton.Spec.Yaml;

/// <summary>
/// Reads one YAML document into a <see cref="YamlNode"/> tree from YamlDotNet's event stream, keeping the position of
/// every node and, for scalars, of every character. Malformed YAML is a diagnostic, never an exception.
/// </summary>
internal static partial class YamlReader
{
    private const int MaxDepth = 200;

    /// <summary>
    /// The most nodes a document may hold with every alias expanded. Aliases share the node they name, but everything
    /// downstream (the shape check, expressions, evaluation) walks the tree as written out, so ten nested levels of
    /// ten aliases ("billion laughs") would be a billion nodes to walk.
    /// </summary>
    public const long MaxExpandedNodes = 1_000_000;

    /// <summary>The most scalar characters a document may hold with every alias expanded.</summary>
    public const long MaxExpandedChars = 16 * 1024 * 1024;

    /// <summary>The most aliases one document may use.</summary>
    public const int MaxAliases = 10_000;

    /// <summary>Reads <paramref name="file"/>; returns null (with diagnostics) when it is not valid YAML.</summary>
    public static YamlNode? Read(SourceFile file, DiagnosticBag diagnostics)
    {
        var scanner = new Scanner(new StringReader(file.Text));
        var parser = new Parser(scanner);
        var anchors = new Dictionary<string, Anchor>(StringComparer.Ordinal);
        var budget = new Budget();
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, file, anchors, budget, diagnostics, 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                diagnostics.Error(
                    DiagnosticCodes.UnsupportedYaml,
                    "a stack file holds one YAML document; this is a second one",
                    Span(file, second.Start, second.End),
                    "split the documents into separate *.baton.yaml files");
            }

            return root;
        }
        catch (ExpansionLimitException ex)
        {
            diagnostics.Error(DiagnosticCodes.LimitExceeded, ex.Message, Span(file, ex.Start, ex.End), ex.Help);
            return null;
        }
        catch (YamlException ex)
        {
            var start = ex.Start.Line > 0 ? ex.Start : parser.Current?.Start ?? Mark.Empty;
            var position = file.PositionAt((int)Math.Min(start.Index, int.MaxValue));
            diagnostics.Error(
                DiagnosticCodes.YamlSyntax,
                "invalid YAML: " + CleanMessage(ex),
                new SourceSpan(file.Path, position, new SourcePosition(position.Line, position.Column + 1)));
            return null;
        }
        catch (InvalidOperationException) when (scanner.CurrentPosition.Line > 0)
        {
            // YamlDotNet's scanner throws this, not a YamlException, for a flow collection left open before more
            // block content ("a: [1, 2" then "b: 3").
            ScannerError(file, scanner, "unexpected text; is a [ or { not closed?", diagnostics);
            return null;
        }
        catch (ArgumentException ex)
        {
            // And this for a %TAG directive whose prefix is no URI.
            ScannerError(file, scanner, CleanArgumentMessage(ex), diagnostics);
            return null;
        }
    }

    private static void ScannerError(SourceFile file, Scanner scanner, string message, DiagnosticBag diagnostics)
    {
        var position = file.PositionAt((int)Math.Min(scanner.CurrentPosition.Index, int.MaxValue));
        diagnostics.Error(
            DiagnosticCodes.YamlSyntax,
            "invalid YAML: " + message,
            new SourceSpan(file.Path, position, new SourcePosition(position.Line, position.Column + 1)));
    }

    private static string CleanArgumentMessage(ArgumentException ex)
    {
        var message = ex.Message;
        var parameter = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        message = (parameter >= 0 ? message[..parameter] : message).Trim().TrimEnd('.');
        return message.Length > 0 ? char.ToLowerInvariant(message[0]) + message[1..] : "unexpected text";
    }

    private static YamlNode ReadNode(IParser parser, SourceFile file, Dictionary<string, Anchor> anchors, Budget budget, DiagnosticBag diagnostics, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new YamlException(parser.Current!.Start, parser.Current.End, $"nesting deeper than {MaxDepth} levels");
        }

        // One type switch on the current event, rather than a chain of Accept/TryConsume calls: this loop runs once
        // per YAML node, and the chain cost more than YamlDotNet's own scanning.
        var current = parser.Current ?? throw new YamlException("unexpected end of the document");
        var nodesBefore = budget.Nodes;
        var charsBefore = budget.Chars;
        YamlNode node;
        NodeEvent start;
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    budget.Spend(alias, target);
                    return target.Node;
                }

                diagnostics.Error(DiagnosticCodes.UnsupportedYaml, $"the alias *{alias.Value.Value} names no anchor defined before it", Span(file, alias.Start, alias.End));
                return new YamlScalar(Span(file, alias.Start, alias.End), string.Empty, true, TextOrigin.Fixed(file.Path, file.PositionAt((int)alias.Start.Index)));
            case Scalar scalar:
                parser.MoveNext();
                start = scalar;
                budget.Spend(scalar, 1, scalar.Value.Length);
                node = ReadScalar(scalar, file);
                break;
            case SequenceStart sequenceStart:
                parser.MoveNext();
                start = sequenceStart;
                budget.Spend(sequenceStart, 1, 0);
                var items = new List<YamlNode>();
                while (parser.Current is not SequenceEnd)
                {
                    items.Add(ReadNode(parser, file, anchors, budget, diagnostics, depth + 1));
                }

                var sequenceEnd = parser.Current;
                parser.MoveNext();
                node = new YamlSequence(Span(file, sequenceStart.Start, sequenceEnd.End), items);
                break;
            case MappingStart mappingStart:
                parser.MoveNext();
                start = mappingStart;
                budget.Spend(mappingStart, 1, 0);
                var entries = new List<YamlEntry>();
                HashSet<YamlEntry>? merged = null;
                while (parser.Current is not MappingEnd)
                {
                    var keyNode = ReadNode(parser, file, anchors, budget, diagnostics, depth + 1);
                    var value = ReadNode(parser, file, anchors, budget, diagnostics, depth + 1);
                    if (keyNode is YamlScalar key)
                    {
                        if (key.IsPlain && key.Value == "<<")
                        {
                            MergeKey(entries, value, merged ??= [], diagnostics);
                            continue;
                        }

                        // A key written in the map wins over one merged in, whichever comes first.
                        var replaced = merged is null ? -1 : entries.FindIndex(e => merged.Contains(e) && e.Key.Value == key.Value);
                        if (replaced >= 0)
                        {
                            merged!.Remove(entries[replaced]);
                            entries[replaced] = new YamlEntry(key, value);
                        }
                        else
                        {
                            entries.Add(new YamlEntry(key, value));
                        }
                    }
                    else
                    {
                        diagnostics.Error(DiagnosticCodes.UnsupportedYaml, $"map keys must be strings, not {keyNode.KindName}", keyNode.Span);
                    }
                }

                var mappingEnd = parser.Current;
                parser.MoveNext();
                node = new YamlMapping(Span(file, mappingStart.Start, mappingEnd.End), entries);
                break;
            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }

        if (!start.Tag.IsEmpty && !start.Tag.IsNonSpecific)
        {
            diagnostics.Warning(DiagnosticCodes.UnsupportedYaml, $"the YAML tag {start.Tag.Value} is ignored", node.Span);
        }

        if (!start.Anchor.IsEmpty)
        {
            anchors[start.Anchor.Value] = new Anchor(node, budget.Nodes - nodesBefore, budget.Chars - charsBefore);
        }

        return node;
    }

    /// <summary>A node with an anchor, and how many nodes and scalar characters it stands for written out.</summary>
    private sealed record Anchor(YamlNode Node, long Nodes, long Chars);

    /// <summary>Counts the document as if every alias were written out, and stops reading past the limits.</summary>
    private sealed class Budget
    {
        public long Nodes { get; private set; }

        public long Chars { get; private set; }

        private int _aliases;

        public void Spend(AnchorAlias alias, Anchor target)
        {
            if (++_aliases > MaxAliases)
            {
                throw new ExpansionLimitException(
                    alias.Start,
                    alias.End,
                    $"this document uses more than {MaxAliases:N0} aliases",
                    "write the values out, or split the file");
            }

            Spend(alias, target.Nodes, target.Chars);
        }

        public void Spend(ParsingEvent at, long nodes, long chars)
        {
            Nodes += nodes;
            Chars += chars;
            if (Nodes > MaxExpandedNodes || Chars > MaxExpandedChars)
            {
                var what = Nodes > MaxExpandedNodes ? $"{MaxExpandedNodes:N0} nodes" : $"{MaxExpandedChars / (1024 * 1024)} MiB of text";
                throw new ExpansionLimitException(
                    at.Start,
                    at.End,
                    at is AnchorAlias alias
                        ? $"with its aliases expanded this document exceeds {what}; the alias *{alias.Value.Value} is where it passes the limit"
                        : $"this document exceeds {what}",
                    at is AnchorAlias ? "aliases that nest aliases grow the document exponentially; write the values out or use fewer levels" : "split the stack into several *.baton.yaml files");
            }
        }
    }

    /// <summary>A document past an expansion limit: reported as a limit at the place it was passed, not as bad YAML.</summary>
    private sealed class ExpansionLimitException(Mark start, Mark end, string message, string help) : YamlException(start, end, message)
    {
        public string Help { get; } = help;
    }

    private static void MergeKey(List<YamlEntry> entries, YamlNode value, HashSet<YamlEntry> merged, DiagnosticBag diagnostics)
    {
        // YAML's merge key: entries written in the mapping itself win over merged ones.
        var sources = value switch
        {
            YamlMapping mapping => [mapping],
            YamlSequence sequence => sequence.Items.OfType<YamlMapping>().ToList(),
            _ => [],
        };
        if (sources.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.UnsupportedYaml, "a merge key (<<) must name a map or a list of maps", value.Span);
            return;
        }

        foreach (var source in sources)
        {
            foreach (var entry in source.Entries)
            {
                if (!entries.Any(e => e.Key.Value == entry.Key.Value))
                {
                    entries.Add(entry);
                    merged.Add(entry);
                }
            }
        }
    }

    private static YamlScalar ReadScalar(Scalar scalar, SourceFile file)
    {
        var span = Span(file, scalar.Start, scalar.End);
        var isPlain = scalar.Style == ScalarStyle.Plain;
        var start = (int)scalar.Start.Index;
        var end = (int)Math.Min(scalar.End.Index, file.Text.Length);
        TextOrigin origin;
        if (isPlain && end - start == scalar.Value.Length && string.CompareOrdinal(file.Text, start, scalar.Value, 0, scalar.Value.Length) == 0)
        {
            origin = TextOrigin.Verbatim(file.Path, file.PositionAt(start), scalar.Value);
        }
        else
        {
            var value = scalar.Value;
            var literal = scalar.Style == ScalarStyle.Literal;
            origin = TextOrigin.Deferred(file.Path, file.PositionAt(start), () => (literal ? AlignLiteral(file, value, start, end) : null) ?? Align(file, value, start, end));
        }

        return new YamlScalar(span, scalar.Value, isPlain, origin);
    }

    /// <summary>
    /// Finds, for each character of the unquoted value, the character of the raw text it came from. Exact for plain and
    /// quoted scalars; escapes and folded line breaks map to the nearest raw character.
    /// </summary>
    private static SourcePosition[] Align(SourceFile file, string value, int rawStart, int rawEnd)
    {
        const int Window = 8;
        var positions = new SourcePosition[value.Length + 1];
        var raw = rawStart;
        var text = file.Text;
        if (raw < rawEnd && text[raw] is '"' or '\'')
        {
            raw++;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var j = raw;
            while (j < rawEnd && j - raw < Window && text[j] != c)
            {
                j++;
            }

            if (j < rawEnd && text[j] == c)
            {
                positions[i] = file.PositionAt(j);
                raw = j + 1;
            }
            else
            {
                positions[i] = file.PositionAt(raw);
            }
        }

        positions[value.Length] = file.PositionAt(Math.Min(raw, rawEnd));
        return positions;
    }

    /// <summary>
    /// For a literal block scalar (<c>|</c>), the exact raw character of each character of the value: its lines are the
    /// raw lines after the header, each without the block's indentation. Null when the raw text does not read so (a
    /// tab, an indentation indicator), and the nearest-character alignment is used instead.
    /// </summary>
    private static SourcePosition[]? AlignLiteral(SourceFile file, string value, int rawStart, int rawEnd)
    {
        var text = file.Text;
        var raw = text.IndexOf('\n', rawStart);
        if (raw < 0 || raw >= rawEnd)
        {
            return null;
        }

        raw++;
        var indent = -1;
        for (var line = raw; line < rawEnd && indent < 0;)
        {
            var spaces = 0;
            while (line + spaces < rawEnd && text[line + spaces] == ' ')
            {
                spaces++;
            }

            if (line + spaces < rawEnd && text[line + spaces] is not ('\n' or '\r'))
            {
                indent = spaces;
            }

            var next = text.IndexOf('\n', line);
            line = next < 0 ? rawEnd : next + 1;
        }

        var positions = new SourcePosition[value.Length + 1];
        var i = 0;
        while (i < value.Length && raw < rawEnd)
        {
            for (var skipped = 0; skipped < indent && raw < rawEnd && text[raw] == ' '; skipped++)
            {
                raw++;
            }

            while (i < value.Length && raw < rawEnd && text[raw] is not ('\n' or '\r'))
            {
                if (text[raw] != value[i])
                {
                    return null;
                }

                positions[i++] = file.PositionAt(raw++);
            }

            if (raw < rawEnd && text[raw] == '\r')
            {
                raw++;
            }

            if (i < value.Length && value[i] == '\n')
            {
                positions[i++] = file.PositionAt(raw);
            }

            raw++;
        }

        if (i < value.Length)
        {
            return null;
        }

        positions[value.Length] = file.PositionAt(Math.Min(raw, rawEnd));
        return positions;
    }

    private static SourceSpan Span(SourceFile file, Mark start, Mark end)
    {
        var from = file.PositionAt((int)Math.Min(start.Index, int.MaxValue));
        var to = file.PositionAt((int)Math.Min(end.Index, int.MaxValue));

        // YamlDotNet can mark an empty node that carries only a tag as ending before it starts.
        return new SourceSpan(file.Path, from, to < from ? from : to);
    }

    private static string CleanMessage(YamlException ex)
    {
        var message = PositionPrefix().Replace(ex.Message, string.Empty).Trim();
        if (message.Length > 0)
        {
            message = char.ToLowerInvariant(message[0]) + message[1..];
        }

        return message.TrimEnd('.');
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();
}
