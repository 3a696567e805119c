using Baton.Access;

namespace Baton.Server.Security;

/// <summary>
/// Checks token texts against the access store and the control plane's session token (an admin token that lives only
/// in this process's memory and dies with it).
/// </summary>
internal sealed class TokenValidator(IAccessStore store, ApiTokenRecord session)
{
    public async Task<ApiTokenRecord?> ValidateAsync(string text, CancellationToken cancellationToken)
    {
        if (!ApiTokens.TryParse(text, out var id, out var secret))
        {
            return null;
        }

        var record = id == session.Id ? session : await store.GetTokenAsync(id, cancellationToken);
        return record is { RevokedAt: null } && ApiTokens.Matches(record, secret) ? record : null;
    }

    /// <summary>Whether the token with this id is still valid (a dashboard session ends when its token is revoked).</summary>
    public async Task<bool> IsValidAsync(string id, CancellationToken cancellationToken) =>
        id == session.Id || await store.GetTokenAsync(id, cancellationToken) is { RevokedAt: null };
}
