using Baton.Values;

namespace Baton.Providers;

/// <summary>The outcome of an action: its outputs, or an error.</summary>
public sealed record InvokeResult
{
    /// <summary>The outputs, a map.</summary>
    public Value Outputs { get; init; } = Value.EmptyMap;

    /// <summary>Why the action failed, when it did.</summary>
    public ProviderError? Error { get; init; }
}
