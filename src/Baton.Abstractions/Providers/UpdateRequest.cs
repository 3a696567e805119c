using Baton.Values;

namespace Baton.Providers;

/// <summary>Update one resource instance in place.</summary>
public sealed record UpdateRequest
{
    /// <summary>The resource type.</summary>
    public required string Type { get; init; }

    /// <summary>The instance address.</summary>
    public required string Address { get; init; }

    /// <summary>The provider's id of the resource.</summary>
    public required string Id { get; init; }

    /// <summary>The inputs at the last apply.</summary>
    public required Value PriorInputs { get; init; }

    /// <summary>The attributes at the last refresh.</summary>
    public required Value PriorAttributes { get; init; }

    /// <summary>The new inputs, all known.</summary>
    public required Value Inputs { get; init; }

    /// <summary>The journal's operation id.</summary>
    public required string IdempotencyKey { get; init; }
}
