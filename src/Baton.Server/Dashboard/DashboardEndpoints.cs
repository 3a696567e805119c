using System.Reflection;
using System.Text.Json;
using Baton.Server.Security;
using Baton.Server.Stacks;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Dashboard;

/// <summary>
/// The dashboard's form posts (log in and out, plan, apply, start, cancel and retry runs, approve and reject steps),
/// each checked for its antiforgery token and role and answered with a redirect, and its two static files.
/// </summary>
internal static class DashboardEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ControlPlaneServices services, TokenValidator tokens)
    {
        app.MapGet("/assets/{name}", (string name) =>
        {
            var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : name.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8" : null;
            var stream = type is null ? null : Assembly.GetExecutingAssembly().GetManifestResourceStream("Baton.Server.Dashboard.Assets." + name);
            return stream is null ? Results.NotFound() : Results.Stream(stream, type);
        }).AllowAnonymous().ExcludeFromDescription();

        // UseAntiforgery only records whether a form's token is valid; minimal APIs act on that when they bind a form
        // parameter, so posts that take no fields (apply, cancel, retry, log out) would go through without one. The
        // filter refuses them all alike.
        var forms = app.MapGroup("")
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .AddEndpointFilter(RequireValidAntiforgeryTokenAsync)
            .ExcludeFromDescription();

        forms.MapPost("/login", async ([FromForm] string token, [FromForm] string? returnUrl, HttpContext http) =>
        {
            var record = await tokens.ValidateAsync(token.Trim(), http.RequestAborted);
            var back = LocalRedirect.IsLocalPath(returnUrl) ? returnUrl! : "/";
            if (record is null)
            {
                AuditNote.Set(http, null, "refused");
                return Results.Redirect("/login?failed=true&ReturnUrl=" + Uri.EscapeDataString(back));
            }

            var ticket = TokenAuthenticationHandler.Ticket(record, CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, ticket.Principal);
            AuditNote.Set(http, Roles.Actor(ticket.Principal), null);
            return Results.Redirect(back);
        }).AllowAnonymous();

        forms.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });

        var ui = forms.MapGroup("/ui/stacks/{stack}").RequireAuthorization(Roles.Operator);
        ui.MapPost("/plan", async (string stack, [FromForm] bool? destroy, HttpContext http) =>
            await WithStack(services, stack, http, async found =>
            {
                var result = await services.Actions.PlanAsync(found, destroy ?? false, [], refresh: true, Roles.Actor(http.User), http.RequestAborted);
                return result.Ok ? Results.Redirect($"/stacks/{found.Name}/plans/{result.Value!.Id}") : Back(http, $"/stacks/{found.Name}/plans", result.Error);
            }));

        ui.MapPost("/plans/{id}/apply", async (string stack, string id, HttpContext http) =>
            await WithStack(services, stack, http, async found =>
            {
                var result = await services.Actions.ApplyAsync(found, id, http.RequestAborted);
                return result.Ok ? Results.Redirect($"/stacks/{found.Name}/applies/{result.Value}") : Back(http, $"/stacks/{found.Name}/plans/{id}", result.Error);
            }));

        ui.MapPost("/runs", async (string stack, [FromForm] string workflow, HttpContext http) =>
            await WithStack(services, stack, http, async found =>
            {
                var result = await ControlActions.StartRunAsync(found, workflow, new Dictionary<string, JsonElement>(), "dashboard:" + Roles.Actor(http.User), http.RequestAborted);
                return result.Ok ? Results.Redirect($"/stacks/{found.Name}/runs/{result.Value!.Id}") : Back(http, $"/stacks/{found.Name}/runs", result.Error);
            }));

        ui.MapPost("/runs/{run}/steps/{step}/decide", async (string stack, string run, string step, [FromForm] string decision, [FromForm] string? comment, HttpContext http) =>
            await WithStack(services, stack, http, async found =>
            {
                var result = await services.Actions.DecideAsync(found, run, step, decision == "approve", Roles.Actor(http.User), string.IsNullOrWhiteSpace(comment) ? null : comment, http.RequestAborted);
                return Back(http, $"/stacks/{found.Name}/runs/{run}", result.Error);
            }));

        ui.MapPost("/runs/{run}/cancel", async (string stack, string run, HttpContext http) =>
            await WithStack(services, stack, http, async found =>
                Back(http, $"/stacks/{found.Name}/runs/{run}", (await services.Actions.CancelAsync(found, run, Roles.Actor(http.User), "from the dashboard", http.RequestAborted)).Error)));

        ui.MapPost("/runs/{run}/retry", async (string stack, string run, HttpContext http) =>
            await WithStack(services, stack, http, async found =>
            {
                var result = await ControlActions.RetryAsync(found, run, http.RequestAborted);
                return result.Ok ? Results.Redirect($"/stacks/{found.Name}/runs/{result.Value!.Id}") : Back(http, $"/stacks/{found.Name}/runs/{run}", result.Error);
            }));
    }

    private static async ValueTask<object?> RequireValidAntiforgeryTokenAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }
            ? Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: "The form's antiforgery token is missing or invalid: reload the page and try again.")
            : await next(context);

    private static async Task<IResult> WithStack(ControlPlaneServices services, string stack, HttpContext http, Func<ServedStack, Task<IResult>> body) =>
        services.Stacks.Find(stack) is { } found ? await body(found) : Back(http, "/", $"there is no stack \"{stack}\"");

    // Back to the page, with the error shown there and noted for the audit log (the redirect's status says nothing).
    private static IResult Back(HttpContext http, string path, string? error)
    {
        if (error is null)
        {
            return Results.Redirect(path);
        }

        AuditNote.Set(http, null, "failed");
        return Results.Redirect(path + "?error=" + Uri.EscapeDataString(error));
    }
}
