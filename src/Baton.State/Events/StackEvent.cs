using Baton.Runs;
using Baton.Values;

namespace Baton.State;

/// <summary>
/// The one event of Baton, from the store to the live stream: a committed change of state, a run's transition or a
/// control-plane notice (<see cref="Source"/>). The store keeps each in the stack's append-only log; the control plane
/// reads them from there and fans them out to the SSE stream and the dashboard.
/// </summary>
public sealed record StackEvent
{
    /// <summary>
    /// The event's place in the sequence it was read from, increasing: the stack's log in the store (0 until stored),
    /// and in the live stream the stream's own number (the SSE id), assigned again as the stream publishes it.
    /// </summary>
    public long Id { get; init; }

    /// <summary>The stack.</summary>
    public required string Stack { get; init; }

    /// <summary>Where it comes from: one of <see cref="EventSources"/>.</summary>
    public string Source { get; init; } = EventSources.State;

    /// <summary>What happened, dotted: <c>apply.started</c>, <c>resource.created</c>, <c>step.succeeded</c>, <c>stack.invalid</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The resource address, when the event is about one.</summary>
    public string? Address { get; init; }

    /// <summary>The run, when the event is about one.</summary>
    public string? Run { get; init; }

    /// <summary>The workflow of the run.</summary>
    public string? Workflow { get; init; }

    /// <summary>The step, when the event is about one.</summary>
    public string? Step { get; init; }

    /// <summary>The step's attempt.</summary>
    public int? Attempt { get; init; }

    /// <summary>One line for people (never holding a secret).</summary>
    public required string Message { get; init; }

    /// <summary>Details, a map (sensitive parts marked; sealed at rest, redacted when shown).</summary>
    public Value Data { get; init; } = Value.EmptyMap;

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The stack event of a run's transition, read from the store's feed of the stack's runs.</summary>
    public static StackEvent FromRun(string stack, RunFeedEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var e = entry.Event;
        return new StackEvent
        {
            Id = entry.Position,
            Stack = stack,
            Source = EventSources.Run,
            Kind = e.Kind,
            Run = e.RunId,
            Workflow = entry.Workflow,
            Step = e.Step,
            Attempt = e.Step is null ? null : e.Attempt,
            Message = e.Step is null ? $"run {e.RunId} ({entry.Workflow}): {e.Kind}" : $"run {e.RunId} ({entry.Workflow}) step {e.Step}: {e.Kind}",
            Data = e.Data,
            At = e.At,
        };
    }
}
