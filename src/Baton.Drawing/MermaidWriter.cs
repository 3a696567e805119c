using System.Text;
using Baton.Graph;

namespace Baton.Drawing;

/// <summary>
/// Writes a <see cref="DependencyGraph{TNode}"/> as a Mermaid <c>flowchart</c>. Nodes are named <c>n0</c>,
/// <c>n1</c>… after their ids, since Mermaid ids cannot take arbitrary text; labels are quoted and escaped with
/// Mermaid entity codes (<c>#quot;</c>, <c>#35;</c>…). The output is deterministic: ungrouped nodes by id,
/// subgraphs by ordinal name, edges by (from, to), class definitions and assignments by class name.
/// </summary>
public static class MermaidWriter
{
    /// <summary>Returns the Mermaid text of a graph.</summary>
    /// <param name="graph">The graph to draw.</param>
    /// <param name="label">The text of each node id; may hold any characters, newlines included.</param>
    /// <param name="appearance">The shape, class and group of each node id; <see langword="null"/> for defaults.</param>
    /// <param name="options">Drawing settings; <see cref="GraphWriterOptions.Default"/> when <see langword="null"/>.</param>
    public static string Write<TNode>(
        DependencyGraph<TNode> graph,
        Func<int, string> label,
        Func<int, NodeAppearance?>? appearance = null,
        GraphWriterOptions? options = null)
    {
        using var writer = new StringWriter();
        Write(writer, graph, label, appearance, options);
        return writer.ToString();
    }

    /// <summary>Writes the Mermaid text of a graph to <paramref name="output"/>, with <c>\n</c> line ends.</summary>
    /// <param name="output">Where the text goes.</param>
    /// <param name="graph">The graph to draw.</param>
    /// <param name="label">The text of each node id; may hold any characters, newlines included.</param>
    /// <param name="appearance">The shape, class and group of each node id; <see langword="null"/> for defaults.</param>
    /// <param name="options">Drawing settings; <see cref="GraphWriterOptions.Default"/> when <see langword="null"/>.</param>
    public static void Write<TNode>(
        TextWriter output,
        DependencyGraph<TNode> graph,
        Func<int, string> label,
        Func<int, NodeAppearance?>? appearance = null,
        GraphWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(label);
        options ??= GraphWriterOptions.Default;
        var layout = GraphWriterLayout.Create(graph.NodeCount, appearance);
        var text = new StringBuilder();

        if (options.Title is { } title)
        {
            text.Append("---\ntitle: ");
            AppendYamlQuoted(text, title);
            text.Append("\n---\n");
        }

        text.Append("flowchart ").Append(Direction(options.Direction)).Append('\n');
        foreach (var v in layout.Ungrouped)
        {
            AppendNode(text, "    ", v, label(v), layout.Appearances[v], options);
        }

        for (var g = 0; g < layout.Groups.Count; g++)
        {
            var (name, members) = layout.Groups[g];
            text.Append("    subgraph g").Append(g).Append("[\"");
            AppendEscaped(text, name);
            text.Append("\"]\n");
            foreach (var v in members)
            {
                AppendNode(text, "        ", v, label(v), layout.Appearances[v], options);
            }

            text.Append("    end\n");
        }

        var toDependency = options.Arrows == ArrowDirection.ToDependency;
        for (var v = 0; v < graph.NodeCount; v++)
        {
            foreach (var u in graph.Dependencies(v))
            {
                var (tail, head) = toDependency ? (v, u) : (u, v);
                text.Append("    n").Append(tail).Append(" --> n").Append(head).Append('\n');
            }
        }

        AppendClasses(text, layout, options);
        output.Write(text);
    }

    /// <summary>Escapes text for a double-quoted Mermaid label.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length);
        AppendEscaped(text, value);
        return text.ToString();
    }

    private static void AppendNode(StringBuilder text, string indent, int node, string label, NodeAppearance? appearance, GraphWriterOptions options)
    {
        var (open, close) = (appearance?.Shape ?? options.DefaultShape) switch
        {
            NodeShape.Rounded => ("(", ")"),
            NodeShape.Stadium => ("([", "])"),
            NodeShape.Ellipse => ("((", "))"),
            NodeShape.Diamond => ("{", "}"),
            NodeShape.Hexagon => ("{{", "}}"),
            NodeShape.Cylinder => ("[(", ")]"),
            _ => ("[", "]"),
        };
        text.Append(indent).Append('n').Append(node).Append(open).Append('"');
        AppendEscaped(text, label ?? string.Empty);
        text.Append('"').Append(close).Append('\n');
    }

    private static void AppendClasses(StringBuilder text, GraphWriterLayout layout, GraphWriterOptions options)
    {
        // Mermaid styles only classes that have a classDef, so assignments are emitted for defined classes only.
        var defined = new List<KeyValuePair<string, NodeClassStyle>>(options.ClassStyles);
        defined.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (name, style) in defined)
        {
            var properties = new List<string>(4);
            if (GraphWriterLayout.CheckColour(style.Fill, "fill") is { } fill)
            {
                properties.Add("fill:" + fill);
            }

            if (GraphWriterLayout.CheckColour(style.Stroke, "stroke") is { } stroke)
            {
                properties.Add("stroke:" + stroke);
            }

            if (GraphWriterLayout.CheckColour(style.Text, "text") is { } colour)
            {
                properties.Add("color:" + colour);
            }

            if (style.Dashed)
            {
                properties.Add("stroke-dasharray:5 5");
            }

            if (properties.Count == 0)
            {
                continue;
            }

            text.Append("    classDef ").Append(GraphWriterLayout.SanitizeClass(name)).Append(' ').AppendJoin(',', properties).Append('\n');
        }

        foreach (var (name, _) in defined)
        {
            var first = true;
            for (var v = 0; v < layout.Appearances.Length; v++)
            {
                if (layout.Appearances[v]?.Class != name)
                {
                    continue;
                }

                text.Append(first ? "    class n" : ",n").Append(v);
                first = false;
            }

            if (!first)
            {
                text.Append(' ').Append(GraphWriterLayout.SanitizeClass(name)).Append('\n');
            }
        }
    }

    private static void AppendEscaped(StringBuilder text, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            switch (ch)
            {
                case '"':
                    text.Append("#quot;");
                    break;
                case '#':
                    text.Append("#35;");
                    break;
                case '&':
                    text.Append("#amp;");
                    break;
                case '<':
                    text.Append("#lt;");
                    break;
                case '>':
                    text.Append("#gt;");
                    break;
                case '`':
                    text.Append("#96;");
                    break;
                case '\\':
                    text.Append("#92;");
                    break;
                case '\r':
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                    {
                        i++;
                    }

                    text.Append("<br>");
                    break;
                case '\n':
                    text.Append("<br>");
                    break;
                default:
                    text.Append(char.IsControl(ch) ? ' ' : ch);
                    break;
            }
        }
    }

    /// <summary>Front matter is YAML, so the title is a YAML double-quoted scalar, not a Mermaid label.</summary>
    private static void AppendYamlQuoted(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var ch in value)
        {
            switch (ch)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                default:
                    if (char.IsControl(ch))
                    {
                        text.Append("\\x").Append(((int)ch).ToString("x2"));
                    }
                    else
                    {
                        text.Append(ch);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    private static string Direction(LayoutDirection direction) => direction switch
    {
        LayoutDirection.BottomToTop => "BT",
        LayoutDirection.LeftToRight => "LR",
        LayoutDirection.RightToLeft => "RL",
        _ => "TD",
    };
}
