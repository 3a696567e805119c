namespace Baton.Access;

/// <summary>One mutating request as the audit log keeps it: who, what, when, and how it ended.</summary>
public sealed record AuditRecord
{
    /// <summary>Assigned by the store, increasing; 0 until stored.</summary>
    public long Id { get; init; }

    /// <summary>When the request ended.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Who: <c>token:ID (role)</c>, or <c>anonymous</c> for a refused request without a valid token.</summary>
    public required string Actor { get; init; }

    /// <summary>The method and path, such as <c>POST /api/stacks/shop/plans</c>.</summary>
    public required string Action { get; init; }

    /// <summary>The HTTP status code of the answer.</summary>
    public required int Status { get; init; }

    /// <summary>A short word for the outcome: <c>ok</c>, <c>refused</c>, <c>failed</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The client's address.</summary>
    public string? Remote { get; init; }
}
