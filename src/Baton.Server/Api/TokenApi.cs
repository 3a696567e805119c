using Baton.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>Token management under <c>/api/tokens</c> (admins only).</summary>
internal static class TokenApi
{
    public static void Map(IEndpointRouteBuilder api, ControlPlaneServices services)
    {
        var tokens = api.MapGroup("/tokens").WithTags("tokens").RequireAuthorization(Roles.Admin);
        tokens.MapGet("/", async (CancellationToken ct) =>
            Results.Ok((await services.Access.ListTokensAsync(ct)).Select(t => new { t.Id, Role = t.Role.ToString().ToLowerInvariant(), t.Description, t.CreatedBy, t.CreatedAt, t.RevokedAt })));

        tokens.MapPost("/", async (CreateTokenRequest request, HttpContext http, CancellationToken ct) =>
        {
            if (!Roles.TryParse(request.Role, out var role))
            {
                return Problems.BadRequest($"\"{request.Role}\" is not a role; use viewer, operator or admin");
            }

            var (text, record) = ApiTokens.Create(role, Roles.Actor(http.User), request.Description, services.Time.GetUtcNow());
            await services.Access.CreateTokenAsync(record, ct);
            return Results.Created($"/api/tokens/{record.Id}", new { record.Id, Role = role.ToString().ToLowerInvariant(), Token = text, Note = "the token is shown only now; only its hash is stored" });
        });

        tokens.MapDelete("/{id}", async (string id, CancellationToken ct) =>
            await services.Access.RevokeTokenAsync(id, services.Time.GetUtcNow(), ct)
                ? Results.NoContent()
                : Problems.NotFound($"there is no valid token \"{id}\""));
    }
}

/// <summary>A token to create.</summary>
/// <param name="Role">viewer, operator or admin.</param>
/// <param name="Description">What it is for.</param>
internal sealed record CreateTokenRequest(string Role, string? Description);
