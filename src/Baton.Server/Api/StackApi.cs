using Baton.Plans;
using Baton.Server.Security;
using Baton.Server.Stacks;
using Baton.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>Stacks, resources, events, applies, plans and locks under <c>/api/stacks</c>.</summary>
internal static class StackApi
{
    public static void Map(IEndpointRouteBuilder api, ControlPlaneServices services)
    {
        var stacks = api.MapGroup("/stacks").WithTags("stacks");
        stacks.MapGet("/", async (CancellationToken ct) =>
        {
            var list = new List<object>();
            foreach (var stack in services.Stacks.All)
            {
                list.Add(await SummaryAsync(stack, ct));
            }

            return TypedResults.Ok(list);
        }).RequireAuthorization(Roles.Viewer);

        stacks.MapGet("/{stack}", async (string stack, CancellationToken ct) =>
            services.Stacks.Find(stack) is { } found ? Results.Ok(await SummaryAsync(found, ct)) : NoStack(stack)).RequireAuthorization(Roles.Viewer);

        stacks.MapGet("/{stack}/resources", async (string stack, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return NoStack(stack);
            }

            var state = await found.Stores.State.LoadAsync(found.Name, ct);
            return Results.Ok(state.Resources.Values.Select(r => Resource(r, found)));
        }).RequireAuthorization(Roles.Viewer);

        stacks.MapGet("/{stack}/resources/{**address}", async (string stack, string address, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return NoStack(stack);
            }

            var state = await found.Stores.State.LoadAsync(found.Name, ct);
            var resource = state.Resources.Values.FirstOrDefault(r => r.Address == address);
            return resource is null ? Problems.NotFound($"stack {stack} has no resource \"{address}\" in its state") : Results.Ok(Resource(resource, found));
        }).RequireAuthorization(Roles.Viewer);

        stacks.MapGet("/{stack}/events", async (string stack, long? after, int? limit, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return NoStack(stack);
            }

            var take = Math.Clamp(limit ?? 100, 1, 1000);
            var events = await found.Stores.Events.ReadEventsAsync(found.Name, after ?? 0, take, ct);
            return Results.Ok(new
            {
                Events = events.Select(e => new { e.Id, e.Source, e.Kind, e.Address, e.Message, e.Data, e.At }),
                Next = events.Count == take ? (long?)events[^1].Id : null,
            });
        }).RequireAuthorization(Roles.Viewer);

        stacks.MapGet("/{stack}/applies", async (string stack, int? limit, CancellationToken ct) =>
            services.Stacks.Find(stack) is { } found
                ? Results.Ok(await found.Stores.Applies.ListAppliesAsync(found.Name, Math.Clamp(limit ?? 50, 1, 500), ct))
                : NoStack(stack)).RequireAuthorization(Roles.Viewer);

        stacks.MapGet("/{stack}/plans", (string stack) =>
            services.Stacks.Find(stack) is { } found ? Results.Ok(services.Plans.List(found.Name).Select(PlanBody)) : NoStack(stack)).RequireAuthorization(Roles.Viewer);

        stacks.MapPost("/{stack}/plans", async (string stack, PlanRequest? request, HttpContext http, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return NoStack(stack);
            }

            var result = await services.Actions.PlanAsync(found, request?.Destroy ?? false, request?.Targets ?? [], request?.Refresh ?? true, Roles.Actor(http.User), ct);
            return result.Ok ? Results.Created($"/api/stacks/{found.Name}/plans/{result.Value!.Id}", PlanBody(result.Value)) : Problems.Refused(result);
        }).RequireAuthorization(Roles.Operator);

        stacks.MapGet("/{stack}/plans/{id}", (string stack, string id) =>
            services.Plans.Find(stack, id) is { } saved ? Results.Ok(PlanBody(saved)) : Problems.NotFound($"stack {stack} has no plan \"{id}\" (plans are kept for an hour)")).RequireAuthorization(Roles.Viewer);

        stacks.MapPost("/{stack}/plans/{id}/apply", async (string stack, string id, HttpContext http, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return NoStack(stack);
            }

            var result = await services.Actions.ApplyAsync(found, id, ct);
            return result.Ok
                ? Results.Accepted($"/api/stacks/{found.Name}/applies", new { Apply = result.Value, Plan = id, Stack = found.Name, By = Roles.Actor(http.User) })
                : Problems.Refused(result);
        }).RequireAuthorization(Roles.Operator);

        stacks.MapGet("/{stack}/applies/{id}/operations", async (string stack, string id, CancellationToken ct) =>
            services.Stacks.Find(stack) is { } found
                ? Results.Ok(await found.Stores.Applies.ListOperationsAsync(found.Name, id, ct))
                : NoStack(stack)).RequireAuthorization(Roles.Viewer);

        stacks.MapGet("/{stack}/autoscalers", (string stack) =>
            services.Stacks.Find(stack) is { } found ? Results.Ok(found.Autoscaler.Status) : NoStack(stack)).RequireAuthorization(Roles.Viewer);

        stacks.MapGet("/{stack}/lock", async (string stack, CancellationToken ct) =>
            services.Stacks.Find(stack) is { } found ? Results.Ok(new { Lock = await found.Stores.Locks.GetLockAsync(found.Name, ct) }) : NoStack(stack)).RequireAuthorization(Roles.Viewer);

        stacks.MapPost("/{stack}/unlock", async (string stack, UnlockRequest request, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return NoStack(stack);
            }

            return await found.Stores.Locks.ForceUnlockAsync(found.Name, request.LockId, ct)
                ? Results.Ok(new { Unlocked = request.LockId })
                : Problems.Conflict($"stack {stack} is not locked by \"{request.LockId}\"");
        }).RequireAuthorization(Roles.Admin);
    }

    public static IResult NoStack(string stack) => Problems.NotFound($"this control plane serves no stack \"{stack}\"");

    private static async Task<object> SummaryAsync(ServedStack stack, CancellationToken ct)
    {
        var state = await stack.Stores.State.LoadAsync(stack.Name, ct);
        var byStatus = state.Resources.Values.GroupBy(r => Words.Of(r.Status)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new
        {
            stack.Name,
            stack.Directory,
            state.Serial,
            Resources = state.Resources.Count,
            Status = byStatus,
            Workflows = stack.Current.Spec!.Workflows.Select(w => w.Name),
            Problems = stack.Problems.Select(d => new { d.Code, d.Message, Location = d.Span?.ToString() }),
            Lock = await stack.Stores.Locks.GetLockAsync(stack.Name, ct),
            state.Outputs,
        };
    }

    private static object Resource(ResourceState r, ServedStack stack) => new
    {
        Drifted = r.DeposedKey is null && stack.Reconciler.Drifted.Contains(r.Address),
        Health = r.DeposedKey is null && stack.Reconciler.Health.TryGetValue(r.Address, out var health)
            ? new { health.State, health.Replicas, health.Alive, health.Healthy, health.CheckedAt }
            : null,
        r.Address,
        r.Type,
        r.Provider,
        r.Id,
        Status = Words.Of(r.Status),
        r.Dependencies,
        r.Inputs,
        Outputs = r.Attributes,
        Deposed = r.DeposedKey,
    };

    private static object PlanBody(SavedPlan saved) => new
    {
        saved.Id,
        saved.Stack,
        saved.Plan.Serial,
        Destroy = saved.Plan.IsDestroy,
        saved.By,
        saved.CreatedAt,
        Applied = saved.ApplyId,
        Summary = PlanRenderer.Summary(saved.Plan),
        Text = PlanRenderer.Render(saved.Plan, colour: false),
        Changes = saved.Plan.Changes.Select(c => new
        {
            c.Address,
            c.Type,
            Action = Words.Of(c.Action),
            c.Reason,
            c.ReplaceBecause,
            Before = c.PriorInputs,
            After = c.Inputs,
        }),
    };
}

/// <summary>What to plan.</summary>
/// <param name="Destroy">Plan deleting everything.</param>
/// <param name="Targets">Only these addresses and what they depend on.</param>
/// <param name="Refresh">Read the resources first (default true).</param>
internal sealed record PlanRequest(bool? Destroy, IReadOnlyList<string>? Targets, bool? Refresh);

/// <summary>Which lock to break.</summary>
/// <param name="LockId">The lock's id, as <c>GET /api/stacks/{stack}/lock</c> shows it.</param>
internal sealed record UnlockRequest(string LockId);
