using Baton.Values;

namespace Baton.Providers.Sim;

/// <summary>An object in the simulated cloud, as the world file holds it.</summary>
public sealed record SimObject
{
    /// <summary>The object's id.</summary>
    public required string Id { get; init; }

    /// <summary>The resource type that made it.</summary>
    public required string Type { get; init; }

    /// <summary>The resource address that made it.</summary>
    public required string Address { get; init; }

    /// <summary>The idempotency key of the create that made it.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The inputs of its last write, a map.</summary>
    public required Value Inputs { get; init; }

    /// <summary>When it was made (by the writer's clock).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last written (by the writer's clock).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether it has been deleted (deleted objects stay in the world so their keys stay taken).</summary>
    public required bool Deleted { get; init; }

    /// <summary>How many writes it has seen: 1 after the create.</summary>
    public required long Version { get; init; }

    /// <summary>The <c>input</c> attribute, or null.</summary>
    public Value Input => Inputs.Kind == ValueKind.Map && Inputs.AsMap().TryGetValue("input", out var input) ? input : Value.Null;
}
