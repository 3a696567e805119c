using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Providers.Http;

/// <summary>
/// The inputs of an <c>http.check</c> or an <c>http.request</c>, read and checked. Unknown values (at validation
/// time) are skipped, not errors; each error message starts with the attribute it is about.
/// </summary>
internal sealed record HttpInputs
{
    private static readonly string[] SecretHeaderWords = ["authorization", "token", "secret", "cookie", "key", "password"];

    public Uri? Url { get; init; }

    public string Method { get; init; } = "GET";

    public ImmutableArray<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string? Body { get; init; }

    /// <summary>The statuses expected; empty when none were given (and none are defaulted).</summary>
    public ImmutableArray<int> ExpectStatus { get; init; } = [];

    public string? ExpectBodyContains { get; init; }

    public TimeSpan RetryUntil { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether a header of this name carries a secret, so its value is never shown or logged.</summary>
    public static bool IsSecretHeader(string name) =>
        SecretHeaderWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads <paramref name="inputs"/>; <paramref name="check"/> applies the check's defaults and its retry inputs.</summary>
    public static HttpInputs Read(Value inputs, bool check, HttpSettings settings, List<string> errors)
    {
        var map = inputs.Kind == ValueKind.Map ? inputs.AsMap() : Value.EmptyMap.AsMap();
        Value? Get(string name) => map.TryGetValue(name, out var value) && value.Kind != ValueKind.Null ? value : null;

        Uri? url = null;
        switch (Get("url"))
        {
            case null:
                errors.Add("url: required");
                break;
            case { IsKnown: false }:
                break;
            case { Kind: ValueKind.String } text:
                url = ReadUrl(text.AsString(), settings, errors);
                break;
            case var other:
                errors.Add($"url: expected a string, got {other.ToDisplayString()}");
                break;
        }

        var method = "GET";
        if (Get("method") is { IsKnown: true } methodValue)
        {
            if (methodValue.Kind != ValueKind.String || methodValue.AsString().Length == 0 || !methodValue.AsString().All(IsTokenChar))
            {
                errors.Add($"method: expected an HTTP method such as \"GET\", got {methodValue.ToDisplayString()}");
            }
            else
            {
                method = methodValue.AsString().ToUpperInvariant();
            }
        }

        var headers = ImmutableArray<KeyValuePair<string, string>>.Empty;
        if (Get("headers") is { IsKnown: true } headerValue)
        {
            if (headerValue.Kind != ValueKind.Map)
            {
                errors.Add("headers: expected a map of header names to strings");
            }
            else
            {
                var builder = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
                foreach (var (name, value) in headerValue.AsMap())
                {
                    if (name.Length == 0 || !name.All(IsTokenChar))
                    {
                        errors.Add($"headers: \"{name}\" is not a valid header name");
                    }
                    else if (!value.IsKnown)
                    {
                        continue;
                    }
                    else if (value.Kind is not (ValueKind.String or ValueKind.Number or ValueKind.Bool))
                    {
                        // The value itself is never echoed: it may be a secret.
                        errors.Add($"headers: the value of \"{name}\" must be a string");
                    }
                    else
                    {
                        var text = value.Kind == ValueKind.String ? value.AsString() : value.WithoutSensitivity().ToDisplayString();
                        if (text.Contains('\r', StringComparison.Ordinal) || text.Contains('\n', StringComparison.Ordinal))
                        {
                            errors.Add($"headers: the value of \"{name}\" must not contain line breaks");
                        }
                        else
                        {
                            builder.Add(new(name, text));
                        }
                    }
                }

                headers = builder.ToImmutable();
            }
        }

        string? body = null;
        if (Get("body") is { IsKnown: true } bodyValue)
        {
            if (bodyValue.Kind == ValueKind.String)
            {
                body = bodyValue.AsString();
            }
            else
            {
                errors.Add("body: expected a string");
            }
        }

        var expect = ReadStatuses(Get("expect_status") ?? (check ? HttpSchema.DefaultExpectStatus : null), errors);

        string? contains = null;
        if (check && Get("expect_body_contains") is { IsKnown: true } containsValue)
        {
            if (containsValue.Kind == ValueKind.String)
            {
                contains = containsValue.AsString();
            }
            else
            {
                errors.Add($"expect_body_contains: expected a string, got {containsValue.ToDisplayString()}");
            }
        }

        var retryUntil = check ? ReadDuration(Get("retry_until"), "retry_until", TimeSpan.FromSeconds(30), errors) : TimeSpan.Zero;
        var interval = check ? ReadDuration(Get("interval"), "interval", TimeSpan.FromSeconds(1), errors) : TimeSpan.Zero;
        return new HttpInputs
        {
            Url = url,
            Method = method,
            Headers = headers,
            Body = body,
            ExpectStatus = expect,
            ExpectBodyContains = contains,
            RetryUntil = retryUntil,
            Interval = interval,
        };
    }

    /// <summary>Every check input, given or defaulted, with secret header values marked sensitive.</summary>
    public static ImmutableSortedDictionary<string, Value>.Builder NormalizedCheckInputs(Value inputs)
    {
        var given = inputs.Kind == ValueKind.Map ? inputs.AsMap() : Value.EmptyMap.AsMap();
        var builder = ImmutableSortedDictionary.CreateBuilder<string, Value>(StringComparer.Ordinal);
        foreach (var attribute in HttpSchema.Check.Attributes)
        {
            if (!attribute.IsInput)
            {
                continue;
            }

            var value = given.TryGetValue(attribute.Name, out var set) && set.Kind != ValueKind.Null ? set : attribute.Default ?? Value.Null;
            if (attribute.Name == "headers" && value.Kind == ValueKind.Map)
            {
                value = Value.Map(value.AsMap().Select(h => new KeyValuePair<string, Value>(h.Key, IsSecretHeader(h.Key) ? h.Value.AsSensitive() : h.Value)));
            }

            builder[attribute.Name] = value;
        }

        return builder;
    }

    private static Uri? ReadUrl(string text, HttpSettings settings, List<string> errors)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
        {
            errors.Add($"url: \"{text}\" is not an absolute URL such as \"https://example.com/healthz\"");
            return null;
        }

        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"url: the scheme \"{url.Scheme}\" is not supported; use http or https");
            return null;
        }

        if (url.Host.Length == 0)
        {
            errors.Add($"url: \"{text}\" names no host");
            return null;
        }

        if (!settings.Allows(url))
        {
            errors.Add($"url: the host \"{url.IdnHost}\" is not in the provider's allowed_hosts ({string.Join(", ", settings.AllowedHosts!.Order(StringComparer.Ordinal))})");
            return null;
        }

        return url;
    }

    private static ImmutableArray<int> ReadStatuses(Value? value, List<string> errors)
    {
        if (value is null || !value.IsWhollyKnown)
        {
            return [];
        }

        var items = value.Kind == ValueKind.List ? value.AsList() : [value];
        var statuses = ImmutableArray.CreateBuilder<int>(items.Length);
        foreach (var item in items)
        {
            if (item.Kind != ValueKind.Number || !item.IsInteger || item.AsNumber() is < 100 or > 599)
            {
                errors.Add($"expect_status: expected a status code (100-599) or a list of them, got {value.ToDisplayString()}");
                return [];
            }

            statuses.Add((int)item.AsNumber());
        }

        if (statuses.Count == 0)
        {
            errors.Add("expect_status: the list is empty");
        }

        return statuses.ToImmutable();
    }

    private static TimeSpan ReadDuration(Value? value, string name, TimeSpan fallback, List<string> errors)
    {
        if (value is null || !value.IsKnown)
        {
            return fallback;
        }

        if (!Baton.Text.Durations.TryParse(value, out var duration, out var error))
        {
            errors.Add($"{name}: {error}");
            return fallback;
        }

        return duration;
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
