using Baton.Values;

namespace Baton.Providers;

/// <summary>Delete one resource instance.</summary>
public sealed record DeleteRequest
{
    /// <summary>The resource type.</summary>
    public required string Type { get; init; }

    /// <summary>The instance address.</summary>
    public required string Address { get; init; }

    /// <summary>The provider's id of the resource.</summary>
    public required string Id { get; init; }

    /// <summary>The attributes at the last refresh.</summary>
    public required Value Attributes { get; init; }

    /// <summary>The journal's operation id.</summary>
    public required string IdempotencyKey { get; init; }
}
