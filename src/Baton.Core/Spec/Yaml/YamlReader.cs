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

    /// <summary>Reads <paramref name="file"/>; returns null (with diagnostics) when it is not valid YAML.</summary>
    public static YamlNode? Read(SourceFile file, DiagnosticBag diagnostics)
    {
        var parser = new Parser(new StringReader(file.Text));
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, file, anchors, diagnostics, 0);
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
    }

    private static YamlNode ReadNode(IParser parser, SourceFile file, Dictionary<string, YamlNode> anchors, DiagnosticBag diagnostics, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new YamlException(parser.Current!.Start, parser.Current.End, $"nesting deeper than {MaxDepth} levels");
        }

        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (anchors.TryGetValue(alias.Value.Value, out var target))
            {
                return target;
            }

            diagnostics.Error(DiagnosticCodes.UnsupportedYaml, $"the alias *{alias.Value.Value} names no anchor defined before it", Span(file, alias.Start, alias.End));
            return new YamlScalar(Span(file, alias.Start, alias.End), string.Empty, true, TextOrigin.Fixed(file.Path, file.PositionAt((int)alias.Start.Index)));
        }

        YamlNode node;
        NodeEvent start;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            start = scalar;
            node = ReadScalar(scalar, file);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            start = sequenceStart;
            var items = new List<YamlNode>();
            while (!parser.Accept<SequenceEnd>(out _))
            {
                items.Add(ReadNode(parser, file, anchors, diagnostics, depth + 1));
            }

            var end = parser.Consume<SequenceEnd>();
            node = new YamlSequence(Span(file, sequenceStart.Start, end.End), items);
        }
        else if (parser.TryConsume<MappingStart>(out var mappingStart))
        {
            start = mappingStart;
            var entries = new List<YamlEntry>();
            while (!parser.Accept<MappingEnd>(out _))
            {
                var keyNode = ReadNode(parser, file, anchors, diagnostics, depth + 1);
                var value = ReadNode(parser, file, anchors, diagnostics, depth + 1);
                if (keyNode is YamlScalar key)
                {
                    if (key.IsPlain && key.Value == "<<")
                    {
                        MergeKey(entries, value, diagnostics);
                        continue;
                    }

                    entries.Add(new YamlEntry(key, value));
                }
                else
                {
                    diagnostics.Error(DiagnosticCodes.UnsupportedYaml, $"map keys must be strings, not {keyNode.KindName}", keyNode.Span);
                }
            }

            var end = parser.Consume<MappingEnd>();
            node = new YamlMapping(Span(file, mappingStart.Start, end.End), entries);
        }
        else
        {
            var current = parser.Current!;
            throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }

        if (!start.Tag.IsEmpty && !start.Tag.IsNonSpecific)
        {
            diagnostics.Warning(DiagnosticCodes.UnsupportedYaml, $"the YAML tag {start.Tag.Value} is ignored", node.Span);
        }

        if (!start.Anchor.IsEmpty)
        {
            anchors[start.Anchor.Value] = node;
        }

        return node;
    }

    private static void MergeKey(List<YamlEntry> entries, YamlNode value, DiagnosticBag diagnostics)
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
            origin = TextOrigin.Mapped(file.Path, Align(file, scalar.Value, start, end));
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

    private static SourceSpan Span(SourceFile file, Mark start, Mark end)
    {
        var from = file.PositionAt((int)Math.Min(start.Index, int.MaxValue));
        var to = file.PositionAt((int)Math.Min(end.Index, int.MaxValue));
        return new SourceSpan(file.Path, from, to);
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
