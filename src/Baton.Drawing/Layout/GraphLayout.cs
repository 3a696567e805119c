using System.Collections.Immutable;

namespace Baton.Drawing.Layout;

/// <summary>
/// Where to draw each node and edge of a dependency graph, from <see cref="LayeredLayout.Compute{TNode}"/>.
/// Coordinates grow right and down from (0, 0), as in SVG, and everything fits in <see cref="Width"/> ×
/// <see cref="Height"/>.
/// </summary>
public sealed record GraphLayout
{
    /// <summary>The node boxes, indexed by node id.</summary>
    public required ImmutableArray<LayoutNode> Nodes { get; init; }

    /// <summary>One polyline per edge, ordered by (dependent, dependency) id.</summary>
    public required ImmutableArray<LayoutEdge> Edges { get; init; }

    /// <summary>The width of the drawing, margins included.</summary>
    public required double Width { get; init; }

    /// <summary>The height of the drawing, margins included.</summary>
    public required double Height { get; init; }

    /// <summary>The number of layers; 0 for an empty graph.</summary>
    public required int LayerCount { get; init; }

    /// <summary>How many pairs of edge segments cross between adjacent layers in the chosen ordering.</summary>
    public required long Crossings { get; init; }
}
