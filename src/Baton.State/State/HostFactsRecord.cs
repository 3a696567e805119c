using Baton.Values;

namespace Baton.State;

/// <summary>
/// The facts last gathered from one host of the stack's inventory (<c>host.facts</c> in expressions): kept in state so
/// a plan that does not refresh works from them.
/// </summary>
public sealed record HostFactsRecord
{
    /// <summary>The host's name in the inventory.</summary>
    public required string Host { get; init; }

    /// <summary>The facts, a map (see the host provider's <c>host.facts</c> action).</summary>
    public required Value Facts { get; init; }

    /// <summary>When they were gathered.</summary>
    public required DateTimeOffset GatheredAt { get; init; }
}
