namespace Baton.Providers.Sim;

/// <summary>A row of the objects table; <see cref="PreviousInputs"/> is null when the object did not exist before its last write.</summary>
internal sealed record SimRow(
    string Id,
    string Type,
    string Address,
    string IdempotencyKey,
    string Inputs,
    string? PreviousInputs,
    long CreatedAt,
    long UpdatedAt,
    bool Deleted,
    long Version);
