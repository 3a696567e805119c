namespace Baton.Drawing;

/// <summary>Which way the drawing's ranks run.</summary>
public enum LayoutDirection
{
    /// <summary>Top to bottom.</summary>
    TopToBottom,

    /// <summary>Bottom to top.</summary>
    BottomToTop,

    /// <summary>Left to right.</summary>
    LeftToRight,

    /// <summary>Right to left.</summary>
    RightToLeft,
}
