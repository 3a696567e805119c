using System.Security.Claims;
using System.Text.Encodings.Web;
using Baton.Access;
using Baton.Server.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Baton.Server.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer bt_…</c> against the stored token hashes (and the process's session token);
/// challenges and refusals answer with problem details.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenValidator validator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "BatonToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("the Authorization header is not a bearer token");
        }

        var token = await validator.ValidateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        return token is null ? AuthenticateResult.Fail("the token is not valid (unknown, revoked or malformed)") : AuthenticateResult.Success(Ticket(token, Scheme.Name));
    }

    public static AuthenticationTicket Ticket(ApiTokenRecord token, string scheme)
    {
        ArgumentNullException.ThrowIfNull(token);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, "token:" + token.Id),
                new Claim(Roles.TokenClaim, token.Id),
                new Claim(Roles.RoleClaim, token.Role.ToString().ToLowerInvariant()),
            ],
            scheme);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), scheme);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized", "Send a token: Authorization: Bearer bt_… (create one with `baton token create`).");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", $"This needs a higher role than {Roles.Of(Context.User)?.ToString().ToLowerInvariant() ?? "none"}.");
}
