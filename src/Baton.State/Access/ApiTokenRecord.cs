namespace Baton.Access;

/// <summary>A stored API token: its id and role and the hash of its secret, never the secret itself.</summary>
public sealed record ApiTokenRecord
{
    /// <summary>The public id, part of the token text (<c>bt_ID_SECRET</c>), used to find the record.</summary>
    public required string Id { get; init; }

    /// <summary>The role.</summary>
    public required ApiRole Role { get; init; }

    /// <summary>SHA-256 of the secret part, lower-case hex.</summary>
    public required string SecretHash { get; init; }

    /// <summary>What it is for, as its creator said.</summary>
    public string? Description { get; init; }

    /// <summary>Who created it.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was revoked; null while valid.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
