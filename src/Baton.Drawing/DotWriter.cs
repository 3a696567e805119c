using System.Text;
using Baton.Graph;

namespace Baton.Drawing;

/// <summary>
/// Writes a <see cref="DependencyGraph{TNode}"/> as Graphviz DOT. Nodes are named <c>n0</c>, <c>n1</c>… after
/// their ids and carry their text as quoted labels, so no label can break the syntax. The output is
/// deterministic: ungrouped nodes by id, then clusters by ordinal name, then edges by (from, to).
/// </summary>
public static class DotWriter
{
    /// <summary>Returns the DOT text of a graph.</summary>
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

    /// <summary>Writes the DOT text of a graph to <paramref name="output"/>, with <c>\n</c> line ends.</summary>
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

        text.Append("digraph");
        if (options.Title is { } title)
        {
            text.Append(' ');
            AppendQuoted(text, title);
        }

        text.Append(" {\n");
        text.Append("  rankdir=").Append(RankDirection(options.Direction)).Append(";\n");
        if (options.Title is { } graphLabel)
        {
            text.Append("  label=");
            AppendQuoted(text, graphLabel);
            text.Append(";\n  labelloc=t;\n");
        }

        text.Append("  node [shape=box];\n");
        foreach (var v in layout.Ungrouped)
        {
            AppendNode(text, "  ", v, label(v), layout.Appearances[v], options);
        }

        for (var g = 0; g < layout.Groups.Count; g++)
        {
            var (name, members) = layout.Groups[g];
            text.Append("  subgraph cluster_").Append(g).Append(" {\n");
            text.Append("    label=");
            AppendQuoted(text, name);
            text.Append(";\n");
            foreach (var v in members)
            {
                AppendNode(text, "    ", v, label(v), layout.Appearances[v], options);
            }

            text.Append("  }\n");
        }

        var toDependency = options.Arrows == ArrowDirection.ToDependency;
        for (var v = 0; v < graph.NodeCount; v++)
        {
            foreach (var u in graph.Dependencies(v))
            {
                var (tail, head) = toDependency ? (v, u) : (u, v);
                text.Append("  n").Append(tail).Append(" -> n").Append(head).Append(";\n");
            }
        }

        text.Append("}\n");
        output.Write(text);
    }

    /// <summary>Quotes a string for DOT: backslashes and quotes escaped, line breaks as DOT's centred <c>\n</c>.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length + 2);
        AppendQuoted(text, value);
        return text.ToString();
    }

    private static void AppendNode(StringBuilder text, string indent, int node, string label, NodeAppearance? appearance, GraphWriterOptions options)
    {
        text.Append(indent).Append('n').Append(node).Append(" [label=");
        AppendQuoted(text, label ?? string.Empty);
        var styles = new List<string>(3);
        var shape = appearance?.Shape ?? options.DefaultShape;
        if (ShapeName(shape) is var shapeName && shapeName != "box")
        {
            text.Append(", shape=").Append(shapeName);
        }

        if (shape is NodeShape.Rounded or NodeShape.Stadium)
        {
            styles.Add("rounded");
        }

        if (appearance?.Class is { } className)
        {
            var name = GraphWriterLayout.SanitizeClass(className);
            text.Append(", class=\"").Append(name).Append('"');
            if (options.ClassStyles.TryGetValue(className, out var style))
            {
                if (GraphWriterLayout.CheckColour(style.Fill, "fill") is { } fill)
                {
                    styles.Add("filled");
                    text.Append(", fillcolor=\"").Append(fill).Append('"');
                }

                if (GraphWriterLayout.CheckColour(style.Stroke, "stroke") is { } stroke)
                {
                    text.Append(", color=\"").Append(stroke).Append('"');
                }

                if (GraphWriterLayout.CheckColour(style.Text, "text") is { } fontColour)
                {
                    text.Append(", fontcolor=\"").Append(fontColour).Append('"');
                }

                if (style.Dashed)
                {
                    styles.Add("dashed");
                }
            }
        }

        if (styles.Count > 0)
        {
            text.Append(", style=\"").AppendJoin(',', styles).Append('"');
        }

        text.Append("];\n");
    }

    private static void AppendQuoted(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            switch (ch)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\r':
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                    {
                        i++;
                    }

                    text.Append("\\n");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                default:
                    text.Append(char.IsControl(ch) ? ' ' : ch);
                    break;
            }
        }

        text.Append('"');
    }

    private static string RankDirection(LayoutDirection direction) => direction switch
    {
        LayoutDirection.BottomToTop => "BT",
        LayoutDirection.LeftToRight => "LR",
        LayoutDirection.RightToLeft => "RL",
        _ => "TB",
    };

    private static string ShapeName(NodeShape shape) => shape switch
    {
        NodeShape.Ellipse => "ellipse",
        NodeShape.Diamond => "diamond",
        NodeShape.Hexagon => "hexagon",
        NodeShape.Cylinder => "cylinder",
        _ => "box",
    };
}
