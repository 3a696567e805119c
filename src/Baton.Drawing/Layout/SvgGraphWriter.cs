using System.Text;

namespace Baton.Drawing.Layout;

/// <summary>
/// Draws a <see cref="GraphLayout"/> as a standalone SVG document that a server-rendered page can inline. It holds
/// no scripts and no inline styles, only classes for the page's stylesheet:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>svg.baton-graph</c> (see <see cref="SvgGraphWriterOptions.CssClass"/>) with a <c>viewBox</c> and no
/// fixed size, so it scales to its container;</item>
/// <item><c>g.edges &gt; path.edge</c> per edge, with <c>data-dependent</c> and <c>data-dependency</c> addresses,
/// ending in the arrowhead marker <c>marker.arrowhead</c>;</item>
/// <item><c>g.nodes &gt; g.node.status-&lt;status&gt;</c> per node, with an id, <c>data-address</c>, a <c>rect</c>
/// and a <c>text.label</c>; a label too long for its box is cut with an ellipsis and the full text goes into a
/// <c>title</c>, which browsers show on hover.</item>
/// </list>
/// All caller text is XML-escaped. The output is deterministic: edges, then nodes, by id.
/// </remarks>
public static class SvgGraphWriter
{
    /// <summary>Returns the SVG markup of a layout.</summary>
    /// <param name="layout">The layout, from <see cref="LayeredLayout.Compute{TNode}"/>.</param>
    /// <param name="content">The address, label and status of each node id.</param>
    /// <param name="options">Drawing settings; <see cref="SvgGraphWriterOptions.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The id prefix is not usable as an HTML id.</exception>
    public static string Write(GraphLayout layout, Func<int, SvgNodeContent> content, SvgGraphWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(content);
        options ??= SvgGraphWriterOptions.Default;
        options.Validate();

        var nodes = new SvgNodeContent[layout.Nodes.Length];
        for (var v = 0; v < nodes.Length; v++)
        {
            nodes[v] = content(v) ?? throw new InvalidOperationException($"No content for node {v}.");
        }

        var text = new StringBuilder(256 + (nodes.Length * 256));
        text.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").AppendEscaped(options.CssClass)
            .Append("\" viewBox=\"0 0 ").AppendNumber(layout.Width).Append(' ').AppendNumber(layout.Height).Append('"');
        if (options.Title is { } title)
        {
            text.Append(" role=\"img\" aria-label=\"").AppendEscaped(title).Append("\">\n<title>").AppendEscaped(title).Append("</title>\n");
        }
        else
        {
            text.Append(">\n");
        }

        var arrow = options.IdPrefix + "arrow";
        text.Append("<defs><marker id=\"").Append(arrow)
            .Append("\" class=\"arrowhead\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">")
            .Append("<path d=\"M0,0L10,5L0,10z\"/></marker></defs>\n");

        text.Append("<g class=\"edges\">\n");
        var toDependency = options.Arrows == ArrowDirection.ToDependency;
        foreach (var edge in layout.Edges)
        {
            text.Append("<path class=\"edge\" data-dependent=\"").AppendEscaped(nodes[edge.Dependent].Address)
                .Append("\" data-dependency=\"").AppendEscaped(nodes[edge.Dependency].Address).Append("\" d=\"");
            // Points run from the dependency down to the dependent; the marker sits at the end of the path.
            for (var i = 0; i < edge.Points.Length; i++)
            {
                var point = edge.Points[toDependency ? edge.Points.Length - 1 - i : i];
                text.Append(i == 0 ? 'M' : 'L').AppendNumber(point.X).Append(',').AppendNumber(point.Y);
            }

            text.Append("\" marker-end=\"url(#").Append(arrow).Append(")\"/>\n");
        }

        text.Append("</g>\n<g class=\"nodes\">\n");
        foreach (var node in layout.Nodes)
        {
            AppendNode(text, node, nodes[node.Id], options);
        }

        text.Append("</g>\n</svg>\n");
        return text.ToString();
    }

    private static void AppendNode(StringBuilder text, LayoutNode node, SvgNodeContent content, SvgGraphWriterOptions options)
    {
        var label = content.Label ?? content.Address;
        var fits = (int)Math.Floor((node.Width - (2 * options.LabelPadding)) / options.CharacterWidth);
        var shown = SvgMarkup.Truncate(label, Math.Max(1, fits), out var truncated);

        text.Append("<g class=\"node");
        if (SvgMarkup.ClassName(content.Status) is { } status)
        {
            text.Append(" status-").Append(status);
        }

        text.Append("\" id=\"").Append(options.IdPrefix).Append("node-").Append(node.Id)
            .Append("\" data-address=\"").AppendEscaped(content.Address).Append("\">");
        if (truncated)
        {
            text.Append("<title>").AppendEscaped(label).Append("</title>");
        }

        text.Append("<rect x=\"").AppendNumber(node.X).Append("\" y=\"").AppendNumber(node.Y)
            .Append("\" width=\"").AppendNumber(node.Width).Append("\" height=\"").AppendNumber(node.Height).Append("\"/>");
        text.Append("<text class=\"label\" x=\"").AppendNumber(node.CenterX).Append("\" y=\"").AppendNumber(node.CenterY)
            .Append("\" text-anchor=\"middle\" dominant-baseline=\"central\">").AppendEscaped(shown).Append("</text></g>\n");
    }
}
