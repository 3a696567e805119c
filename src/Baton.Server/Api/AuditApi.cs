using Baton.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>The audit log under <c>/api/audit</c> (admins only), read in pages oldest first.</summary>
internal static class AuditApi
{
    private const int MaxPage = 1000;

    public static void Map(IEndpointRouteBuilder api, ControlPlaneServices services) =>
        api.MapGet("/audit", async (long? after, int? limit, CancellationToken ct) =>
        {
            if (after < 0 || limit is < 1 or > MaxPage)
            {
                return Problems.BadRequest($"after must be 0 or more and limit from 1 to {MaxPage}");
            }

            var records = await services.Access.ReadAuditAsync(after ?? 0, limit ?? 100, ct);
            return Results.Ok(records);
        }).WithTags("audit").RequireAuthorization(Roles.Admin);
}
