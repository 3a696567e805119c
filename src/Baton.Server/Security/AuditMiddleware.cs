using Baton.Access;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Security;

/// <summary>
/// Records in the audit log every write from any surface — the API, the dashboard's forms, logins and logouts,
/// webhooks — (who, what, when, result) and every refused request (401/403), and sets the headers that keep pages out
/// of frames and responses out of caches. Refusals of anonymous callers go through the log's throttle.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next, AuditLog audit)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
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
            var method = context.Request.Method;
            var mutating = !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method);
            if (mutating || status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
            {
                var note = context.Features.Get<AuditNote>();
                var actor = note?.Actor ?? Roles.Actor(context.User);
                var outcome = note?.Outcome ?? (status < 400 ? "ok" : status is 401 or 403 ? "refused" : "failed");
                var record = new AuditRecord
                {
                    At = audit.Time.GetUtcNow(),
                    Actor = actor,
                    Action = $"{method} {context.Request.Path}",
                    Status = status,
                    Outcome = outcome,
                    Remote = context.Connection.RemoteIpAddress?.ToString(),
                };
                await audit.WriteAsync(record, anonymousRefusal: actor == Roles.Anonymous && outcome != "ok");
            }
        }
    }
}
