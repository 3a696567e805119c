namespace Baton.Runs;

/// <summary>What an operator asks of a run from outside the worker that runs it.</summary>
public enum RunSignalKind
{
    /// <summary>Approve a step waiting for approval.</summary>
    Approve,

    /// <summary>Reject a step waiting for approval (the step fails, the run compensates).</summary>
    Reject,

    /// <summary>Cancel the run.</summary>
    Cancel,
}

/// <summary>A request to a run (approve, reject, cancel), stored until its worker takes it.</summary>
public sealed record RunSignal
{
    /// <summary>Assigned by the store, increasing.</summary>
    public long Id { get; init; }

    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>What is asked.</summary>
    public required RunSignalKind Kind { get; init; }

    /// <summary>The step, for approve and reject.</summary>
    public string? Step { get; init; }

    /// <summary>Who asked.</summary>
    public required string By { get; init; }

    /// <summary>Why, in their words.</summary>
    public string? Comment { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }
}
