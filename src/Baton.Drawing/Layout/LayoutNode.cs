using Baton.Graph;

namespace Baton.Drawing.Layout;

/// <summary>The box of one graph node in a <see cref="GraphLayout"/>.</summary>
public sealed record LayoutNode
{
    /// <summary>The node id in the laid-out <see cref="DependencyGraph{TNode}"/>.</summary>
    public required int Id { get; init; }

    /// <summary>The left edge of the box.</summary>
    public required double X { get; init; }

    /// <summary>The top edge of the box.</summary>
    public required double Y { get; init; }

    /// <summary>The width of the box.</summary>
    public required double Width { get; init; }

    /// <summary>The height of the box.</summary>
    public required double Height { get; init; }

    /// <summary>The layer, counted from 0 at the top: one more than the deepest layer of the node's dependencies.</summary>
    public required int Layer { get; init; }

    /// <summary>The position of the node among the graph nodes of its layer, counted from 0 at the left.</summary>
    public required int Order { get; init; }

    /// <summary>The horizontal centre of the box.</summary>
    public double CenterX => X + (Width / 2);

    /// <summary>The vertical centre of the box.</summary>
    public double CenterY => Y + (Height / 2);
}
