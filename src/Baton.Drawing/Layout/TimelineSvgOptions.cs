namespace Baton.Drawing.Layout;

/// <summary>Settings for <see cref="TimelineSvgWriter"/>. Lengths are in drawing units (SVG pixels).</summary>
public sealed record TimelineSvgOptions
{
    /// <summary>The defaults written out below.</summary>
    public static TimelineSvgOptions Default { get; } = new();

    /// <summary>The class of the root <c>svg</c> element; <c>baton-timeline</c> by default.</summary>
    public string CssClass { get; init; } = "baton-timeline";

    /// <summary>An accessible title for the chart; none by default.</summary>
    public string? Title { get; init; }

    /// <summary>The width of the label column left of the bars; 200 by default.</summary>
    public double LabelWidth { get; init; } = 200;

    /// <summary>The width of the time axis; 800 by default.</summary>
    public double ChartWidth { get; init; } = 800;

    /// <summary>The height of one row; 24 by default.</summary>
    public double RowHeight { get; init; } = 24;

    /// <summary>The height of a bar within its row; 16 by default.</summary>
    public double BarHeight { get; init; } = 16;

    /// <summary>The height of the band of tick labels above the rows; 24 by default.</summary>
    public double AxisHeight { get; init; } = 24;

    /// <summary>The empty border around the chart; 8 by default.</summary>
    public double Margin { get; init; } = 8;

    /// <summary>The average width of one label character, used to cut long labels; 7 by default.</summary>
    public double CharacterWidth { get; init; } = 7;

    internal void Validate()
    {
        LayeredLayoutOptions.CheckLength(LabelWidth, nameof(LabelWidth));
        LayeredLayoutOptions.CheckLength(RowHeight, nameof(RowHeight));
        LayeredLayoutOptions.CheckLength(BarHeight, nameof(BarHeight));
        LayeredLayoutOptions.CheckLength(AxisHeight, nameof(AxisHeight));
        LayeredLayoutOptions.CheckLength(Margin, nameof(Margin));
        if (!double.IsFinite(ChartWidth) || ChartWidth <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ChartWidth), ChartWidth, "The chart width must be finite and positive.");
        }

        if (!double.IsFinite(CharacterWidth) || CharacterWidth <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CharacterWidth), CharacterWidth, "The character width must be finite and positive.");
        }
    }
}
