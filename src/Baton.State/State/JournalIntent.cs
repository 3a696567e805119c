using Baton.Values;

namespace Baton.State;

/// <summary>
/// A provider mutation about to happen, committed before the call: its operation id is the call's idempotency key,
/// so after a crash recovery can ask the provider what the call did.
/// </summary>
public sealed record JournalIntent
{
    /// <summary>The operation id, unique in the store, and the provider call's idempotency key.</summary>
    public required string OperationId { get; init; }

    /// <summary>The stack.</summary>
    public required string Stack { get; init; }

    /// <summary>The instance address.</summary>
    public required string Address { get; init; }

    /// <summary>The resource type.</summary>
    public required string Type { get; init; }

    /// <summary>The provider instance.</summary>
    public required string Provider { get; init; }

    /// <summary>What is about to happen.</summary>
    public required JournalAction Action { get; init; }

    /// <summary>The inputs of the call (a map; sensitive parts marked).</summary>
    public required Value Inputs { get; init; }

    /// <summary>The provider's id of the object, for updates and deletes.</summary>
    public string? ResourceId { get; init; }

    /// <summary>For an operation on a deposed object, its deposed key.</summary>
    public string? DeposedKey { get; init; }

    /// <summary>The addresses the resource depends on.</summary>
    public System.Collections.Immutable.ImmutableArray<string> Dependencies { get; init; } = [];

    /// <summary>The apply this operation belongs to.</summary>
    public string? ApplyId { get; init; }

    /// <summary>When the intent was recorded.</summary>
    public required DateTimeOffset At { get; init; }
}
