using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Baton.Server.Api;

/// <summary>Errors as RFC 7807 problem details.</summary>
internal static class Problems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(
            new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path },
            options: null,
            contentType: "application/problem+json",
            cancellationToken: context.RequestAborted);
    }

    public static IResult Result(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>The refusal of a control action as problem details, titled by its status.</summary>
    public static IResult Refused<T>(Stacks.ActionResult<T> result) => Result(result.Status, result.Status switch
    {
        400 => "Bad request",
        404 => "Not found",
        409 => "Conflict",
        422 => "Unprocessable",
        _ => "Refused",
    }, result.Error!);

    public static IResult NotFound(string detail) => Result(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult Conflict(string detail) => Result(StatusCodes.Status409Conflict, "Conflict", detail);

    public static IResult BadRequest(string detail) => Result(StatusCodes.Status400BadRequest, "Bad request", detail);
}
