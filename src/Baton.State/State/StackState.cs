using System.Collections.Immutable;
using Baton.Values;

namespace Baton.State;

/// <summary>A snapshot of one stack's state at one serial.</summary>
public sealed record StackState
{
    /// <summary>The stack's name.</summary>
    public required string Stack { get; init; }

    /// <summary>Increases on every change of resources or outputs; 0 for a stack never applied.</summary>
    public required long Serial { get; init; }

    /// <summary>The resource objects by <see cref="ResourceState.Key"/>.</summary>
    public required ImmutableSortedDictionary<string, ResourceState> Resources { get; init; }

    /// <summary>The stack's outputs at the last apply, a map.</summary>
    public Value Outputs { get; init; } = Value.EmptyMap;

    /// <summary>Notifications queued by changes and not yet carried out, oldest first.</summary>
    public ImmutableArray<PendingNotification> Notifications { get; init; } = [];

    /// <summary>The facts last gathered from each host of the stack's inventory, by host name.</summary>
    public ImmutableSortedDictionary<string, HostFactsRecord> Facts { get; init; } = ImmutableSortedDictionary<string, HostFactsRecord>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The state of a stack that has never been applied.</summary>
    public static StackState Empty(string stack) =>
        new() { Stack = stack, Serial = 0, Resources = ImmutableSortedDictionary<string, ResourceState>.Empty.WithComparers(StringComparer.Ordinal) };
}
