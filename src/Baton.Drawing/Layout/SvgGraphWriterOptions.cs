namespace Baton.Drawing.Layout;

/// <summary>Settings for <see cref="SvgGraphWriter"/>.</summary>
public sealed record SvgGraphWriterOptions
{
    /// <summary>The defaults written out below.</summary>
    public static SvgGraphWriterOptions Default { get; } = new();

    /// <summary>
    /// Starts every id in the drawing: nodes are <c>&lt;prefix&gt;node-&lt;id&gt;</c> and the arrowhead is
    /// <c>&lt;prefix&gt;arrow</c>. Give each drawing on a page its own. An ASCII letter followed by ASCII letters,
    /// digits, <c>-</c> or <c>_</c>; <c>graph-</c> by default.
    /// </summary>
    public string IdPrefix { get; init; } = "graph-";

    /// <summary>The class of the root <c>svg</c> element; <c>baton-graph</c> by default.</summary>
    public string CssClass { get; init; } = "baton-graph";

    /// <summary>An accessible title for the drawing; none by default.</summary>
    public string? Title { get; init; }

    /// <summary>Which way arrows point; <see cref="ArrowDirection.ToDependency"/> by default, as in the other writers.</summary>
    public ArrowDirection Arrows { get; init; } = ArrowDirection.ToDependency;

    /// <summary>
    /// The average width of one label character, used to decide where a label is cut short; 7 by default, which
    /// suits a 12px sans-serif font.
    /// </summary>
    public double CharacterWidth { get; init; } = 7;

    /// <summary>The space kept free on each side of a label inside its box; 8 by default.</summary>
    public double LabelPadding { get; init; } = 8;

    internal void Validate()
    {
        if (!SvgMarkup.IsIdPrefix(IdPrefix))
        {
            throw new ArgumentException($"The id prefix '{IdPrefix}' must be an ASCII letter followed by ASCII letters, digits, '-' or '_'.", nameof(IdPrefix));
        }

        if (!double.IsFinite(CharacterWidth) || CharacterWidth <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CharacterWidth), CharacterWidth, "The character width must be finite and positive.");
        }

        LayeredLayoutOptions.CheckLength(LabelPadding, nameof(LabelPadding));
    }
}
