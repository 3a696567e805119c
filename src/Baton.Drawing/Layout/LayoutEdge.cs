using System.Collections.Immutable;

namespace Baton.Drawing.Layout;

/// <summary>One dependency edge of a <see cref="GraphLayout"/>, drawn as a polyline.</summary>
public sealed record LayoutEdge
{
    /// <summary>The node that depends on <see cref="Dependency"/>; it sits in a lower layer (further down).</summary>
    public required int Dependent { get; init; }

    /// <summary>The node that <see cref="Dependent"/> depends on; it sits in a higher layer (further up).</summary>
    public required int Dependency { get; init; }

    /// <summary>
    /// The polyline from the bottom edge of the dependency's box to the top edge of the dependent's box. When the
    /// edge crosses intermediate layers it runs straight down through each of them, so it has two points per
    /// crossed layer in between: <c>2 × (layer span − 1) + 2</c> points in all.
    /// </summary>
    public required ImmutableArray<LayoutPoint> Points { get; init; }
}
