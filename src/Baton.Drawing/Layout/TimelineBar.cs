using System.Collections.Immutable;

namespace Baton.Drawing.Layout;

/// <summary>
/// One bar of a <see cref="TimelineSvgWriter"/> chart: a step or resource operation and when it ran, as offsets
/// from the start of the run (subtract the run's start from each <see cref="DateTimeOffset"/>).
/// </summary>
public sealed record TimelineBar
{
    /// <summary>A unique id, written to the bar's <c>data-id</c> attribute and named by other bars' <see cref="Dependencies"/>.</summary>
    public required string Id { get; init; }

    /// <summary>The text of the row; <see cref="Id"/> when <see langword="null"/>.</summary>
    public string? Label { get; init; }

    /// <summary>When the work started, from the start of the run.</summary>
    public required TimeSpan Start { get; init; }

    /// <summary>When the work ended, from the start of the run; not before <see cref="Start"/>.</summary>
    public required TimeSpan End { get; init; }

    /// <summary>
    /// The bar's state, such as <c>ready</c> or <c>failed</c>; it becomes the class <c>status-&lt;status&gt;</c>
    /// like a node's in <see cref="SvgGraphWriter"/>. No status class when <see langword="null"/>.
    /// </summary>
    public string? Status { get; init; }

    /// <summary>The ids of the bars this one waited for. Ids that name no bar are ignored.</summary>
    public ImmutableArray<string> Dependencies { get; init; } = [];
}
