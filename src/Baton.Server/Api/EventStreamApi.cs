using System.Text;
using System.Text.Json;
using Baton.Server.Security;
using Baton.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>
/// <c>GET /api/events/stream</c>: Server-Sent Events of every state change, operation, step transition and control-plane
/// notice, live, each a message whose data is the event as JSON (its <c>kind</c> says what happened). A client that reconnects with <c>Last-Event-ID</c> (or <c>?after=</c>) gets what it missed while the
/// control plane still holds it; a <c>gap</c> event says when it no longer does.
/// </summary>
internal static class EventStreamApi
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder api, ControlPlaneServices services, JsonSerializerOptions json)
    {
        api.MapGet("/events/recent", (string? stack, int? limit) =>
            Results.Ok(services.Hub.Recent(stack, Math.Clamp(limit ?? 100, 1, 1000)))).RequireAuthorization(Roles.Viewer).WithTags("events");

        api.MapGet("/events/stream", async (HttpContext http, string? stack, long? after) =>
        {
            var lastId = after ?? (long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), out var id) ? id : services.Hub.NextId - 1);
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, services.Stopping);
            using var subscription = services.Hub.Subscribe(lastId);
            await WriteAsync(http, "retry: 2000\n\n", stop.Token);
            if (subscription.Gap)
            {
                await WriteAsync(http, "event: gap\ndata: {\"message\":\"some events were no longer held; reload the state\"}\n\n", stop.Token);
            }

            foreach (var item in subscription.Backlog)
            {
                if (stack is null || item.Stack == stack)
                {
                    await WriteAsync(http, Frame(item, json), stop.Token);
                }
            }

            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                    wait.CancelAfter(Heartbeat);
                    bool more;
                    try
                    {
                        more = await subscription.Reader.WaitToReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                    {
                        await WriteAsync(http, ": keep-alive\n\n", stop.Token);
                        continue;
                    }

                    if (!more)
                    {
                        // Dropped for falling behind: end the stream; the client reconnects and catches up.
                        return;
                    }

                    while (subscription.Reader.TryRead(out var item))
                    {
                        if (stack is null || item.Stack == stack)
                        {
                            await WriteAsync(http, Frame(item, json), stop.Token);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The client went away or the control plane stops.
            }
        }).RequireAuthorization(Roles.Viewer).WithTags("events");
    }

    private static string Frame(StackEvent item, JsonSerializerOptions json) =>
        $"id: {item.Id}\ndata: {JsonSerializer.Serialize(item, json)}\n\n";

    private static async Task WriteAsync(HttpContext http, string text, CancellationToken cancellationToken)
    {
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
