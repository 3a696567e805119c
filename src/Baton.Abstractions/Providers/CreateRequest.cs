using Baton.Values;

namespace Baton.Providers;

/// <summary>Create one resource instance.</summary>
public sealed record CreateRequest
{
    /// <summary>The resource type.</summary>
    public required string Type { get; init; }

    /// <summary>The instance address.</summary>
    public required string Address { get; init; }

    /// <summary>The inputs, all known.</summary>
    public required Value Inputs { get; init; }

    /// <summary>The journal's operation id: a retried create with the same key must find, not duplicate, what it made.</summary>
    public required string IdempotencyKey { get; init; }
}
