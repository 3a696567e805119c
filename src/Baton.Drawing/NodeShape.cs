namespace Baton.Drawing;

/// <summary>The outline a writer draws around a node; each maps to the nearest shape DOT and Mermaid both have.</summary>
public enum NodeShape
{
    /// <summary>A rectangle.</summary>
    Box,

    /// <summary>A rectangle with rounded corners.</summary>
    Rounded,

    /// <summary>A pill: rounded ends.</summary>
    Stadium,

    /// <summary>An ellipse (a circle in Mermaid).</summary>
    Ellipse,

    /// <summary>A diamond, usually a decision or gate.</summary>
    Diamond,

    /// <summary>A hexagon.</summary>
    Hexagon,

    /// <summary>A cylinder, usually a store.</summary>
    Cylinder,
}
