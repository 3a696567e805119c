namespace Baton.Drawing.Layout;

/// <summary>What <see cref="SvgGraphWriter"/> shows for one node.</summary>
public sealed record SvgNodeContent
{
    /// <summary>The node's address, written to its <c>data-address</c> attribute; for example <c>aws_instance.web</c>.</summary>
    public required string Address { get; init; }

    /// <summary>The text in the box; <see cref="Address"/> when <see langword="null"/>.</summary>
    public string? Label { get; init; }

    /// <summary>
    /// The node's state, such as <c>pending</c>, <c>creating</c>, <c>ready</c>, <c>failed</c>, <c>drifted</c> or
    /// <c>unhealthy</c>; it becomes the class <c>status-&lt;status&gt;</c>, lower-cased with anything but ASCII
    /// letters, digits, <c>-</c> and <c>_</c> replaced by <c>-</c>. No status class when <see langword="null"/>.
    /// </summary>
    public string? Status { get; init; }
}
