using Baton.Access;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Security;

/// <summary>
/// Records in the audit log every mutating API request (who, what, when, result) and every refused one (401/403), and
/// sets the headers that keep pages out of frames and responses out of caches.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next, IAccessStore store, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        var isApi = context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal);
        if (isApi)
        {
            headers.CacheControl = "no-store";
        }

        try
        {
            await next(context);
        }
        finally
        {
            var status = context.Response.StatusCode;
            var mutating = !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method);
            if ((isApi && mutating) || status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
            {
                await store.AppendAuditAsync(
                    new AuditRecord
                    {
                        At = time.GetUtcNow(),
                        Actor = Roles.Actor(context.User),
                        Action = $"{context.Request.Method} {context.Request.Path}",
                        Status = status,
                        Outcome = status < 400 ? "ok" : status is 401 or 403 ? "refused" : "failed",
                        Remote = context.Connection.RemoteIpAddress?.ToString(),
                    },
                    CancellationToken.None);
            }
        }
    }
}
