namespace Baton.Drawing.Layout;

/// <summary>Sizes and effort for <see cref="LayeredLayout"/>. Every length is in drawing units (SVG pixels).</summary>
public sealed record LayeredLayoutOptions
{
    /// <summary>The defaults written out below.</summary>
    public static LayeredLayoutOptions Default { get; } = new();

    /// <summary>The width of a node box unless a size function says otherwise; 160 by default.</summary>
    public double NodeWidth { get; init; } = 160;

    /// <summary>The height of a node box unless a size function says otherwise; 40 by default.</summary>
    public double NodeHeight { get; init; } = 40;

    /// <summary>
    /// The least horizontal space between two boxes of a layer; 32 by default. An edge passing through a layer
    /// keeps half of it from its neighbours.
    /// </summary>
    public double HorizontalSpacing { get; init; } = 32;

    /// <summary>The vertical space between the bottom of one layer and the top of the next; 64 by default.</summary>
    public double LayerGap { get; init; } = 64;

    /// <summary>The empty border around the drawing; 16 by default.</summary>
    public double Margin { get; init; } = 16;

    /// <summary>
    /// The most ordering sweeps (each a down or an up pass over the layers) spent reducing crossings; 24 by
    /// default. The search also stops after eight sweeps without improvement. 0 keeps the initial ordering.
    /// </summary>
    public int CrossingSweeps { get; init; } = 24;

    /// <summary>The number of down-and-up passes that straighten and centre nodes over their neighbours; 8 by default.</summary>
    public int PositioningPasses { get; init; } = 8;

    internal void Validate()
    {
        CheckLength(NodeWidth, nameof(NodeWidth));
        CheckLength(NodeHeight, nameof(NodeHeight));
        CheckLength(HorizontalSpacing, nameof(HorizontalSpacing));
        CheckLength(LayerGap, nameof(LayerGap));
        CheckLength(Margin, nameof(Margin));
        ArgumentOutOfRangeException.ThrowIfNegative(CrossingSweeps);
        ArgumentOutOfRangeException.ThrowIfNegative(PositioningPasses);
    }

    internal static void CheckLength(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Lengths must be finite and not negative.");
        }
    }
}
