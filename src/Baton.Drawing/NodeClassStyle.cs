namespace Baton.Drawing;

/// <summary>
/// The colours of a node style class. Colours are CSS-style names or hex codes (<c>red</c>, <c>#f88</c>,
/// <c>#ff8888</c>): letters, digits and <c>#</c> only, since both output languages would take anything else as syntax.
/// </summary>
public sealed record NodeClassStyle
{
    /// <summary>The fill colour.</summary>
    public string? Fill { get; init; }

    /// <summary>The outline colour.</summary>
    public string? Stroke { get; init; }

    /// <summary>The text colour.</summary>
    public string? Text { get; init; }

    /// <summary>Whether the outline is dashed.</summary>
    public bool Dashed { get; init; }
}
