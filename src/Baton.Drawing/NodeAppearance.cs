namespace Baton.Drawing;

/// <summary>How a writer should draw one node, beyond its label. Every member is optional.</summary>
public sealed record NodeAppearance
{
    /// <summary>The outline; <see langword="null"/> uses <see cref="GraphWriterOptions.DefaultShape"/>.</summary>
    public NodeShape? Shape { get; init; }

    /// <summary>
    /// A style class, such as a status (<c>failed</c>, <c>pending</c>). Its colours come from
    /// <see cref="GraphWriterOptions.ClassStyles"/>; DOT also emits it as the <c>class</c> attribute for SVG styling.
    /// Characters other than ASCII letters, digits, <c>_</c> and <c>-</c> are replaced by <c>_</c>.
    /// </summary>
    public string? Class { get; init; }

    /// <summary>A group to draw the node in: a DOT cluster or a Mermaid subgraph, titled with this name.</summary>
    public string? Group { get; init; }
}
