namespace Baton.Runs;

/// <summary>A run event in the order of the store's feed of all runs of a stack (for live streams).</summary>
public sealed record RunFeedEntry
{
    /// <summary>The entry's position in the feed, increasing; read on after it.</summary>
    public required long Position { get; init; }

    /// <summary>The workflow of the run.</summary>
    public required string Workflow { get; init; }

    /// <summary>The event.</summary>
    public required RunEvent Event { get; init; }
}
