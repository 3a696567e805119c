namespace Baton.Access;

/// <summary>
/// API tokens and the audit log of a control plane. Tokens are stored by the hash of their secret only; the audit log
/// is append-only.
/// </summary>
public interface IAccessStore
{
    /// <summary>Stores a new token record; its id must be new.</summary>
    Task CreateTokenAsync(ApiTokenRecord token, CancellationToken cancellationToken);

    /// <summary>The token with this id, revoked or not; null when there is none.</summary>
    Task<ApiTokenRecord?> GetTokenAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every token, oldest first.</summary>
    Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(CancellationToken cancellationToken);

    /// <summary>Revokes a token; false when there is no such valid token.</summary>
    Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Appends to the audit log and returns the record's id.</summary>
    Task<long> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Remembers an accepted webhook request by its signature, first forgetting those that expired by its
    /// <see cref="WebhookDelivery.ReceivedAt"/>; false, and nothing stored, when the same signature is still
    /// remembered (a replay). Atomic: of two nodes taking the same request at once, one gets true.
    /// </summary>
    Task<bool> RecordWebhookDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Audit records after <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(long afterId, int limit, CancellationToken cancellationToken);
}
