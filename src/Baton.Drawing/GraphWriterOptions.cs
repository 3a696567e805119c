namespace Baton.Drawing;

/// <summary>Settings shared by <see cref="DotWriter"/> and <see cref="MermaidWriter"/>.</summary>
public sealed record GraphWriterOptions
{
    /// <summary>The defaults: top to bottom, arrows to dependencies, boxes, no title, no class styles.</summary>
    public static GraphWriterOptions Default { get; } = new();

    /// <summary>A title for the drawing; none by default.</summary>
    public string? Title { get; init; }

    /// <summary>Which way ranks run; <see cref="LayoutDirection.TopToBottom"/> by default.</summary>
    public LayoutDirection Direction { get; init; } = LayoutDirection.TopToBottom;

    /// <summary>Which way arrows point; <see cref="ArrowDirection.ToDependency"/> by default.</summary>
    public ArrowDirection Arrows { get; init; } = ArrowDirection.ToDependency;

    /// <summary>The shape of nodes whose appearance does not name one; <see cref="NodeShape.Box"/> by default.</summary>
    public NodeShape DefaultShape { get; init; } = NodeShape.Box;

    /// <summary>Colours per style class name (see <see cref="NodeAppearance.Class"/>); empty by default.</summary>
    public IReadOnlyDictionary<string, NodeClassStyle> ClassStyles { get; init; } = new Dictionary<string, NodeClassStyle>();
}
