using Baton.Values;

namespace Baton.Server.Events;

/// <summary>One entry of the live event stream: a state event, a run event, or a control-plane notice.</summary>
public sealed record StreamEvent
{
    /// <summary>The stream's own sequence number (the SSE id), increasing for the life of the control plane.</summary>
    public long Id { get; init; }

    /// <summary>The stack.</summary>
    public required string Stack { get; init; }

    /// <summary>Where it comes from: <c>state</c>, <c>run</c> or <c>control</c>.</summary>
    public required string Source { get; init; }

    /// <summary>What happened, dotted (<c>resource.created</c>, <c>step.succeeded</c>, <c>stack.invalid</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>The resource address, when about one.</summary>
    public string? Address { get; init; }

    /// <summary>The run, when about one.</summary>
    public string? Run { get; init; }

    /// <summary>The workflow of the run.</summary>
    public string? Workflow { get; init; }

    /// <summary>The step, when about one.</summary>
    public string? Step { get; init; }

    /// <summary>The step's attempt.</summary>
    public int? Attempt { get; init; }

    /// <summary>One line for people.</summary>
    public string? Message { get; init; }

    /// <summary>Details (sensitive parts redacted when written).</summary>
    public Value Data { get; init; } = Value.EmptyMap;

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }
}
