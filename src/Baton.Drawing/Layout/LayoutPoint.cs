namespace Baton.Drawing.Layout;

/// <summary>A point in layout coordinates: x grows to the right, y grows downwards, as in SVG.</summary>
/// <param name="X">The horizontal coordinate.</param>
/// <param name="Y">The vertical coordinate.</param>
public readonly record struct LayoutPoint(double X, double Y);
