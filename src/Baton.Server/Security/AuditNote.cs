using Microsoft.AspNetCore.Http;

namespace Baton.Server.Security;

/// <summary>
/// What an endpoint tells the audit log about its request where the status code and the signed-in user do not: a
/// login's outcome and who logged in, a redirect that was a refusal, the webhook that started a run.
/// </summary>
internal sealed class AuditNote
{
    /// <summary>Who acted, when not the request's user (a login names the token that logged in).</summary>
    public string? Actor { get; private init; }

    /// <summary>The outcome, when the status code does not tell it (a failed login is answered with a redirect).</summary>
    public string? Outcome { get; private init; }

    /// <summary>Notes on <paramref name="context"/> who acted and how it ended; null leaves that to the middleware.</summary>
    public static void Set(HttpContext context, string? actor, string? outcome)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(new AuditNote { Actor = actor, Outcome = outcome });
    }
}
