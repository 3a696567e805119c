using Baton.Values;

namespace Baton.Providers.Http;

/// <summary>The schema of the http family. Every default is written here.</summary>
internal static class HttpSchema
{
    public const string CheckType = "http.check";
    public const string RequestAction = "http.request";

    /// <summary>How much of a response body is kept (bytes read; the rest is not downloaded).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static Value DefaultExpectStatus { get; } = Value.List(Value.Number(200));

    public static ResourceTypeSchema Check { get; } = new()
    {
        Type = CheckType,
        Description = "Checks that an endpoint answers as expected, retrying until a deadline; re-checked on every refresh.",
        Attributes =
        [
            new AttributeSchema { Name = "url", Type = BatonType.String, Required = true, Description = "The http:// or https:// URL to call." },
            AttributeSchema.Input("method", BatonType.String, "The HTTP method.") with { Default = Value.String("GET") },
            AttributeSchema.Input("headers", BatonType.MapOf(BatonType.String), "Request headers; values of headers named like authorization, token, secret, cookie or key are kept sensitive."),
            AttributeSchema.Input("body", BatonType.String, "The request body (UTF-8)."),
            AttributeSchema.Input("expect_status", BatonType.Any, "The status, or list of statuses, that counts as healthy.") with { Default = DefaultExpectStatus },
            AttributeSchema.Input("expect_body_contains", BatonType.String, "Text the response body must contain (within its first 64 KiB)."),
            AttributeSchema.Input("retry_until", BatonType.String, "How long create and update keep retrying before failing.") with { Default = Value.String("30s") },
            AttributeSchema.Input("interval", BatonType.String, "The wait between attempts.") with { Default = Value.String("1s") },
            AttributeSchema.Output("id", BatonType.String, "Derived from the method and URL; stable."),
            AttributeSchema.Output("status", BatonType.Int, "The last observed status (null when no response came)."),
            AttributeSchema.Output("body", BatonType.String, "The last observed body, truncated to 64 KiB."),
            AttributeSchema.Output("healthy", BatonType.Bool, "Whether the last observation matched the expectations."),
        ],
    };

    public static ActionSchema Request { get; } = new()
    {
        Name = RequestAction,
        Description = "Sends one HTTP request. Connection failures and timeouts are transient; 429/503 with Retry-After are throttled.",
        Inputs =
        [
            new AttributeSchema { Name = "url", Type = BatonType.String, Required = true, Description = "The http:// or https:// URL to call." },
            AttributeSchema.Input("method", BatonType.String, "The HTTP method.") with { Default = Value.String("GET") },
            AttributeSchema.Input("headers", BatonType.MapOf(BatonType.String), "Request headers."),
            AttributeSchema.Input("body", BatonType.String, "The request body (UTF-8)."),
            AttributeSchema.Input("expect_status", BatonType.Any, "The status, or list of statuses, expected; any other fails permanently. Any status is accepted when left out."),
        ],
        Outputs =
        [
            AttributeSchema.Output("status", BatonType.Int, "The response status."),
            AttributeSchema.Output("body", BatonType.String, "The response body, truncated to 64 KiB."),
            AttributeSchema.Output("headers", BatonType.MapOf(BatonType.String), "The response headers, names lower-cased, repeated values joined with \", \"."),
        ],
    };

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "http",
        Description = "Checks and calls HTTP endpoints.",
        Configuration =
        [
            AttributeSchema.Input("timeout", BatonType.String, "The time limit of one request, connecting included.") with { Default = Value.String("10s") },
            AttributeSchema.Input("allowed_hosts", BatonType.ListOf(BatonType.String), "When given, URLs must name one of these hosts (any host when left out)."),
        ],
        ResourceTypes = [Check],
        Actions = [Request],
    };
}
