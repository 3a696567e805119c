using System.Text.Json;
using Baton.Access;
using Baton.Engine.Workflows;
using Baton.Runs;
using Baton.Server.Security;
using Baton.Server.Stacks;
using Baton.Values;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>Workflow runs under <c>/api/stacks/{stack}/runs</c>, and the signed webhook that starts them.</summary>
internal static class RunApi
{
    private const int MaxWebhookBody = 64 * 1024;

    public static void Map(IEndpointRouteBuilder api, ControlPlaneServices services)
    {
        var runs = api.MapGroup("/stacks/{stack}/runs").WithTags("runs");
        runs.MapGet("/", async (string stack, string? workflow, string? status, int? limit, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return StackApi.NoStack(stack);
            }

            RunStatus? wanted = null;
            if (status is not null)
            {
                if (!Enum.TryParse<RunStatus>(status.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) || int.TryParse(status, out _))
                {
                    return Problems.BadRequest($"\"{status}\" is not a run status; use one of {string.Join(", ", Enum.GetNames<RunStatus>().Select(n => n.ToLowerInvariant()))}");
                }

                wanted = parsed;
            }

            var list = await found.Stores.Runs.ListRunsAsync(new RunQuery { Stack = found.Name, Workflow = workflow, Status = wanted, Limit = Math.Clamp(limit ?? 50, 1, 1000) }, ct);
            return Results.Ok(list.Select(Run));
        }).RequireAuthorization(Roles.Viewer);

        runs.MapPost("/", async (string stack, StartRunRequest request, HttpContext http, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return StackApi.NoStack(stack);
            }

            return Created(await ControlActions.StartRunAsync(found, request.Workflow, request.Inputs, "api:" + Roles.Actor(http.User), ct));
        }).RequireAuthorization(Roles.Operator);

        runs.MapGet("/{run}", async (string stack, string run, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return StackApi.NoStack(stack);
            }

            var record = await found.Stores.Runs.GetRunAsync(run, ct);
            if (record is null || record.Stack != found.Name)
            {
                return Problems.NotFound($"stack {stack} has no run \"{run}\"");
            }

            var steps = await found.Stores.Runs.GetStepsAsync(run, ct);
            var events = await found.Stores.Runs.ReadRunEventsAsync(run, 0, 10_000, ct);
            return Results.Ok(new
            {
                Run = Run(record),
                Steps = steps.Select(s => new
                {
                    s.Key,
                    Status = Words.Of(s.Status),
                    s.Attempt,
                    s.Outputs,
                    s.Error,
                    s.StartedAt,
                    s.FinishedAt,
                    DurationMs = s.StartedAt is { } start && s.FinishedAt is { } end ? (long?)(end - start).TotalMilliseconds : null,
                    s.DueAt,
                    Attempts = events.Where(e => e.Step == s.Key && (e.Kind == "step.failed" || e.Kind == "step.interrupted")).Select(e => new { e.Attempt, e.Kind, Error = Text(e.Data, "error"), e.At }),
                }),
                Events = events.Select(e => new { e.Seq, e.Kind, e.Step, e.Attempt, e.Data, e.At }),
            });
        }).RequireAuthorization(Roles.Viewer);

        runs.MapPost("/{run}/cancel", async (string stack, string run, CommentRequest? request, HttpContext http, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return StackApi.NoStack(stack);
            }

            var result = await services.Actions.CancelAsync(found, run, Roles.Actor(http.User), request?.Comment, ct);
            return result.Ok
                ? Results.Accepted($"/api/stacks/{found.Name}/runs/{run}", new { Run = run, Cancel = "requested", HeldBy = RunControl.IsHeldByLiveWorker(result.Value!, services.Time) ? result.Value!.Owner : null })
                : Problems.Refused(result);
        }).RequireAuthorization(Roles.Operator);

        runs.MapPost("/{run}/retry", async (string stack, string run, CancellationToken ct) =>
            services.Stacks.Find(stack) is { } found ? Created(await ControlActions.RetryAsync(found, run, ct)) : StackApi.NoStack(stack)).RequireAuthorization(Roles.Operator);

        runs.MapPost("/{run}/steps/{step}/approve", async (string stack, string run, string step, CommentRequest? request, HttpContext http, CancellationToken ct) =>
            await DecideAsync(services, stack, run, step, true, request, http, ct)).RequireAuthorization(Roles.Operator);
        runs.MapPost("/{run}/steps/{step}/reject", async (string stack, string run, string step, CommentRequest? request, HttpContext http, CancellationToken ct) =>
            await DecideAsync(services, stack, run, step, false, request, http, ct)).RequireAuthorization(Roles.Operator);

        api.MapPost("/stacks/{stack}/webhooks/{workflow}", async (string stack, string workflow, HttpContext http, CancellationToken ct) =>
        {
            if (services.Stacks.Find(stack) is not { } found)
            {
                return StackApi.NoStack(stack);
            }

            var spec = found.Current.Spec!.Workflows.FirstOrDefault(w => w.Name == workflow);
            if (spec is not { Webhook: true })
            {
                return Problems.NotFound($"stack {stack} has no workflow \"{workflow}\" that webhooks may start (set webhook: true on it)");
            }

            if (http.Request.ContentLength > MaxWebhookBody)
            {
                return Problems.Result(StatusCodes.Status413PayloadTooLarge, "Too large", $"a webhook body may be at most {MaxWebhookBody} bytes");
            }

            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, ct);
            if (buffer.Length > MaxWebhookBody)
            {
                return Problems.Result(StatusCodes.Status413PayloadTooLarge, "Too large", $"a webhook body may be at most {MaxWebhookBody} bytes");
            }

            var body = buffer.ToArray();
            var now = services.Time.GetUtcNow();
            var check = WebhookSignature.Verify(http.Request.Headers[WebhookSignature.Header].ToString(), body, found.WebhookKey(workflow), now);
            if (!check.Valid)
            {
                return Problems.Result(StatusCodes.Status401Unauthorized, "Unauthorized", check.Why);
            }

            var delivery = new WebhookDelivery { Signature = check.Delivery, Stack = found.Name, Workflow = workflow, ReceivedAt = now, ExpiresAt = check.ValidUntil };
            if (!await services.Access.RecordWebhookDeliveryAsync(delivery, ct))
            {
                AuditNote.Set(http, null, "refused");
                return Problems.Result(
                    StatusCodes.Status409Conflict,
                    "Replayed",
                    "this signed request was already accepted: a signature starts one run only; sign each new request with a fresh timestamp");
            }

            Dictionary<string, JsonElement>? inputs = null;
            if (body.Length > 0)
            {
                try
                {
                    using var document = JsonDocument.Parse(body);
                    if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("inputs", out var given))
                    {
                        inputs = given.Deserialize<Dictionary<string, JsonElement>>();
                    }
                }
                catch (JsonException ex)
                {
                    return Problems.BadRequest("the webhook body is not JSON: " + ex.Message);
                }
            }

            AuditNote.Set(http, "webhook:" + workflow, null);
            return Created(await ControlActions.StartRunAsync(found, workflow, inputs, "webhook", ct));
        }).AllowAnonymous().WithTags("runs");
    }

    private static IResult Created(ActionResult<RunRecord> result) =>
        result.Ok ? Results.Created($"/api/stacks/{result.Value!.Stack}/runs/{result.Value.Id}", Run(result.Value)) : Problems.Refused(result);

    private static async Task<IResult> DecideAsync(ControlPlaneServices services, string stack, string run, string step, bool approve, CommentRequest? request, HttpContext http, CancellationToken ct)
    {
        if (services.Stacks.Find(stack) is not { } found)
        {
            return StackApi.NoStack(stack);
        }

        var result = await services.Actions.DecideAsync(found, run, step, approve, Roles.Actor(http.User), request?.Comment, ct);
        return result.Ok ? Results.Ok(new { Run = run, Step = step, Decision = approve ? "approved" : "rejected", result.Value!.By, result.Value.Comment }) : Problems.Refused(result);
    }

    private static object Run(RunRecord r) => new
    {
        r.Id,
        r.Stack,
        r.Workflow,
        Status = Words.Of(r.Status),
        r.Trigger,
        r.Inputs,
        r.Outputs,
        r.Error,
        Parent = r.ParentRunId,
        r.ParentStep,
        r.CreatedAt,
        r.UpdatedAt,
        r.FinishedAt,
        r.Owner,
    };

    private static string? Text(Value data, string key) =>
        data.Kind == ValueKind.Map && data.AsMap().TryGetValue(key, out var v) && v.Kind == ValueKind.String ? v.ToDisplayString() : null;
}

/// <summary>A run to start.</summary>
/// <param name="Workflow">The workflow's name.</param>
/// <param name="Inputs">Its inputs (defaults fill the rest).</param>
internal sealed record StartRunRequest(string Workflow, Dictionary<string, JsonElement>? Inputs);

/// <summary>Why, recorded in the run's history.</summary>
/// <param name="Comment">The comment.</param>
internal sealed record CommentRequest(string? Comment);
