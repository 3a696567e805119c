using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>How one attempt of a step ended.</summary>
public sealed record StepOutcome
{
    /// <summary>The outputs, a map, when it succeeded.</summary>
    public Value? Outputs { get; init; }

    /// <summary>Why it failed; null when it succeeded.</summary>
    public string? Error { get; init; }

    /// <summary>Whether another attempt may succeed (false for errors no retry can fix).</summary>
    public bool Retryable { get; init; } = true;

    /// <summary>The earliest time to retry, when the other side said so.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Whether it succeeded.</summary>
    public bool Succeeded => Error is null;

    /// <summary>A success with <paramref name="outputs"/>.</summary>
    public static StepOutcome Success(Value outputs) => new() { Outputs = outputs };

    /// <summary>A failure another attempt may fix.</summary>
    public static StepOutcome Transient(string error, TimeSpan? retryAfter = null) => new() { Error = error, RetryAfter = retryAfter };

    /// <summary>A failure no retry can fix.</summary>
    public static StepOutcome Permanent(string error) => new() { Error = error, Retryable = false };
}
