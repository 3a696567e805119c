using Baton.Values;

namespace Baton.State;

/// <summary>One entry of a stack's append-only event log.</summary>
public sealed record StateEvent
{
    /// <summary>Assigned by the store, increasing; 0 until stored.</summary>
    public long Id { get; init; }

    /// <summary>The stack.</summary>
    public required string Stack { get; init; }

    /// <summary>What happened, dotted: <c>apply.started</c>, <c>resource.created</c>, <c>resource.failed</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The resource address, when the event is about one.</summary>
    public string? Address { get; init; }

    /// <summary>One line for people (never holding a secret).</summary>
    public required string Message { get; init; }

    /// <summary>Details, a map (sensitive parts marked).</summary>
    public Value Data { get; init; } = Value.EmptyMap;

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }
}
