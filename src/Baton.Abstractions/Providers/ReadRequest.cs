using Baton.Values;

namespace Baton.Providers;

/// <summary>
/// Read one resource instance: by <see cref="Id"/> when known, or — to resolve an interrupted create after a crash —
/// by the <see cref="IdempotencyKey"/> of the create that may have made it.
/// </summary>
public sealed record ReadRequest
{
    /// <summary>The resource type.</summary>
    public required string Type { get; init; }

    /// <summary>The instance address.</summary>
    public required string Address { get; init; }

    /// <summary>The provider's id, when known.</summary>
    public string? Id { get; init; }

    /// <summary>The key of the create to look for, when the id is not known.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The inputs at the last apply, when known.</summary>
    public Value? Inputs { get; init; }

    /// <summary>The attributes at the last refresh, when known.</summary>
    public Value? Attributes { get; init; }

    /// <summary>
    /// Whether the read resolves a create, update or delete that a crash interrupted. A provider may then report what
    /// the operation left unfinished (a replica it started and never saw ready) so the next plan finishes it.
    /// </summary>
    public bool Recovering { get; init; }
}
