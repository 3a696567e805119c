using System.Security.Cryptography;
using System.Text;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Providers.Http;

/// <summary>
/// The http provider. <c>http.check</c> is a check, not a thing that exists: create and update retry until the
/// endpoint matches or <c>retry_until</c> passes; read re-checks once and always reports the check as existing, with
/// <c>healthy</c> false when it no longer matches (drift, not gone); delete does nothing.
/// </summary>
internal sealed class HttpProvider : IProvider
{
    /// <summary>Problems with an http resource's or action's inputs.</summary>
    public const string InvalidInputCode = "BT5401";

    private readonly HttpSettings _settings;
    private readonly TimeProvider _time;
    private readonly HttpExchange _exchange;

    public HttpProvider(HttpSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _exchange = new HttpExchange(settings, time);
    }

    public ProviderSchema Schema => HttpSchema.Provider;

    public ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != HttpSchema.CheckType)
        {
            return ValueTask.FromResult(new ValidateResult([UnknownType(request.Type, request.Address)]));
        }

        var errors = new List<string>();
        HttpInputs.Read(request.Inputs, check: true, _settings, errors);
        return ValueTask.FromResult(errors.Count == 0
            ? ValidateResult.Valid
            : new ValidateResult([.. errors.Select(error => Diagnostic.Error(InvalidInputCode, error) with { Subject = request.Address })]));
    }

    public ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != HttpSchema.CheckType)
        {
            return ValueTask.FromResult(new PlanResult { PlannedAttributes = Value.EmptyMap, Diagnostics = [UnknownType(request.Type, request.Address)] });
        }

        var plan = ResourcePlanning.Plan(HttpSchema.Check, request);
        var builder = plan.PlannedAttributes.AsMap().ToBuilder();
        var url = builder["url"];
        var method = builder["method"];
        builder["id"] = url is { Kind: ValueKind.String } && method is { Kind: ValueKind.String }
            ? Value.String(CheckId(method.AsString(), url.AsString()))
            : Value.Unknown(BatonType.String);
        return ValueTask.FromResult(plan with { PlannedAttributes = Value.Map(builder) });
    }

    public async ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken) =>
        await CheckUntilHealthyAsync(request.Type, request.Address, request.Inputs, cancellationToken);

    public async ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken) =>
        await CheckUntilHealthyAsync(request.Type, request.Address, request.Inputs, cancellationToken);

    public async ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != HttpSchema.CheckType)
        {
            return ReadResult.Failure(ProviderError.Permanent($"the http provider has no resource type \"{request.Type}\""));
        }

        var given = request.Inputs ?? request.Attributes;
        if (given is null)
        {
            // Only an idempotency key: a check leaves nothing behind to find, so an interrupted create made nothing.
            return ReadResult.Gone;
        }

        var errors = new List<string>();
        var inputs = HttpInputs.Read(given, check: true, _settings, errors);
        if (errors.Count > 0)
        {
            return ReadResult.Failure(ProviderError.Permanent($"{request.Address}: {string.Join("; ", errors)}"));
        }

        var observation = await _exchange.SendAsync(inputs, cancellationToken);
        var (id, attributes) = Attributes(given, inputs, observation);
        return ReadResult.Found(id, attributes);
    }

    public ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(request.Type == HttpSchema.CheckType
            ? DeleteResult.Success
            : new DeleteResult(ProviderError.Permanent($"the http provider has no resource type \"{request.Type}\"")));

    public async ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        if (request.Action != HttpSchema.RequestAction)
        {
            return new InvokeResult { Error = ProviderError.Permanent($"the http provider has no action \"{request.Action}\"") };
        }

        var errors = new List<string>();
        var inputs = HttpInputs.Read(request.Inputs, check: false, _settings, errors);
        if (errors.Count > 0)
        {
            return new InvokeResult { Error = ProviderError.Permanent($"{request.Action}: {string.Join("; ", errors)}") };
        }

        var observation = await _exchange.SendAsync(inputs, cancellationToken);
        if (observation.Status is not { } status)
        {
            return new InvokeResult { Error = ProviderError.Transient($"{request.Action}: {observation.Failure}") };
        }

        var expected = inputs.ExpectStatus.IsEmpty || inputs.ExpectStatus.Contains(status);
        if (!expected || status is 429 or 503)
        {
            if (status is 429 or 503 && observation.RetryAfter is { } retryAfter && !inputs.ExpectStatus.Contains(status))
            {
                return new InvokeResult
                {
                    Error = ProviderError.Throttled($"{request.Action}: {inputs.Method} {inputs.Url} answered {status}; retry after {retryAfter.TotalSeconds:0.###}s", retryAfter),
                };
            }

            if (!expected)
            {
                return new InvokeResult
                {
                    Error = ProviderError.Permanent($"{request.Action}: {inputs.Method} {inputs.Url} expected status {string.Join(" or ", inputs.ExpectStatus)}, {observation.Describe()}"),
                };
            }
        }

        return new InvokeResult
        {
            Outputs = Value.Map(
            [
                new("status", Value.Number(status)),
                new("body", Value.String(observation.Body)),
                new("headers", Value.Map(observation.Headers.Select(h => new KeyValuePair<string, Value>(
                    h.Key, HttpInputs.IsSecretHeader(h.Key) ? Value.String(h.Value).AsSensitive() : Value.String(h.Value))))),
            ]),
        };
    }

    public ValueTask DisposeAsync()
    {
        _exchange.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The id of a check: a hash of its method and URL, so it is stable and shows no secret in the URL.</summary>
    internal static string CheckId(string method, string url) =>
        "check-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(method.ToUpperInvariant() + " " + url)))[..16];

    private static bool Matches(HttpInputs inputs, HttpObservation observation) =>
        observation.Status is { } status
        && inputs.ExpectStatus.Contains(status)
        && (inputs.ExpectBodyContains is null || observation.Body.Contains(inputs.ExpectBodyContains, StringComparison.Ordinal));

    private static (string Id, Value Attributes) Attributes(Value given, HttpInputs inputs, HttpObservation observation)
    {
        var id = CheckId(inputs.Method, inputs.Url!.OriginalString);
        var builder = HttpInputs.NormalizedCheckInputs(given);
        builder["id"] = Value.String(id);
        builder["status"] = observation.Status is { } status ? Value.Number(status) : Value.Null;
        builder["body"] = Value.String(observation.Body);
        builder["healthy"] = Value.Bool(Matches(inputs, observation));
        return (id, Value.Map(builder));
    }

    private static Diagnostic UnknownType(string type, string address) =>
        Diagnostic.Error(InvalidInputCode, $"the http provider has no resource type \"{type}\"") with { Subject = address };

    private async Task<ResourceResult> CheckUntilHealthyAsync(string type, string address, Value given, CancellationToken cancellationToken)
    {
        if (type != HttpSchema.CheckType)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"the http provider has no resource type \"{type}\""));
        }

        var errors = new List<string>();
        var inputs = HttpInputs.Read(given, check: true, _settings, errors);
        if (errors.Count > 0)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"{address}: {string.Join("; ", errors)}"));
        }

        var deadline = _time.GetUtcNow() + inputs.RetryUntil;
        var attempts = 0;
        while (true)
        {
            attempts++;
            var observation = await _exchange.SendAsync(inputs, cancellationToken);
            if (Matches(inputs, observation))
            {
                var (id, attributes) = Attributes(given, inputs, observation);
                return ResourceResult.Success(id, attributes);
            }

            var remaining = deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                var expectation = $"status {string.Join(" or ", inputs.ExpectStatus)}"
                    + (inputs.ExpectBodyContains is null ? string.Empty : $" and a body containing \"{inputs.ExpectBodyContains}\"");
                return ResourceResult.Failure(ProviderError.Permanent(
                    $"{address}: {inputs.Method} {inputs.Url} did not answer as expected ({expectation}) within {inputs.RetryUntil.TotalSeconds:0.###}s after {attempts} attempt(s); {observation.Describe()}"));
            }

            await Task.Delay(inputs.Interval < remaining ? inputs.Interval : remaining, _time, cancellationToken);
        }
    }
}
