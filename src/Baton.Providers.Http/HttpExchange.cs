using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Baton.Providers.Http;

/// <summary>
/// Sends requests with the provider's one <see cref="HttpClient"/>. Redirects are followed only to the same host
/// (and never from https down to http); any other redirect is returned as it is, with a note, so nothing is sent to
/// a host the stack did not name. Header values are never put in messages.
/// </summary>
internal sealed class HttpExchange : IDisposable
{
    private const int MaxRedirects = 5;

    private readonly HttpClient _client;
    private readonly HttpSettings _settings;
    private readonly TimeProvider _time;

    public HttpExchange(HttpSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = settings.Timeout,
            AutomaticDecompression = DecompressionMethods.All,
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<HttpObservation> SendAsync(HttpInputs inputs, CancellationToken cancellationToken)
    {
        var url = inputs.Url ?? throw new InvalidOperationException("The inputs have no URL.");
        var method = inputs.Method;
        var body = inputs.Body;
        using var timeout = new CancellationTokenSource(_settings.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = Build(url, method, inputs.Headers, body);
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                var status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                {
                    var target = location.IsAbsoluteUri ? location : new Uri(url, location);
                    var sameHost = string.Equals(target.IdnHost, url.IdnHost, StringComparison.OrdinalIgnoreCase)
                        && (target.Scheme == url.Scheme || target.Scheme == Uri.UriSchemeHttps);
                    if (sameHost && redirects < MaxRedirects)
                    {
                        if (status is 301 or 302 or 303 && method != "HEAD")
                        {
                            method = status == 303 || method == "POST" ? "GET" : method;
                            body = method == "GET" ? null : body;
                        }

                        url = target;
                        continue;
                    }

                    return await ObserveAsync(response, sameHost ? $"more than {MaxRedirects} redirects" : $"redirect to another host, {target.IdnHost}, not followed", linked.Token);
                }

                return await ObserveAsync(response, null, linked.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new HttpObservation { Failure = $"{method} {url.GetLeftPart(UriPartial.Authority)}: no response within {_settings.Timeout.TotalSeconds:0.###}s", TimedOut = true };
        }
        catch (HttpRequestException exception)
        {
            return new HttpObservation { Failure = $"{method} {url.GetLeftPart(UriPartial.Authority)}: {Reason(exception)}" };
        }
        catch (IOException exception)
        {
            return new HttpObservation { Failure = $"{method} {url.GetLeftPart(UriPartial.Authority)}: the connection broke ({exception.Message})" };
        }
    }

    public void Dispose() => _client.Dispose();

    private static HttpRequestMessage Build(Uri url, string method, ImmutableArray<KeyValuePair<string, string>> headers, string? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        }

        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    private async Task<HttpObservation> ObserveAsync(HttpResponseMessage response, string? note, CancellationToken cancellationToken)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            builder[name.ToLowerInvariant()] = string.Join(", ", values);
        }

        return new HttpObservation
        {
            Status = (int)response.StatusCode,
            Body = await ReadBodyAsync(response.Content, cancellationToken),
            Headers = builder.ToImmutable(),
            RetryAfter = RetryAfter(response.Headers.RetryAfter),
            Note = note,
        };
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static async Task<string> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[HttpSchema.MaxBodyBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        var encoding = Encoding.UTF8;
        if (content.Headers.ContentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // An unknown charset: UTF-8 is the best guess.
            }
        }

        return encoding.GetString(buffer, 0, length);
    }

    private static string Reason(HttpRequestException exception) => exception.HttpRequestError switch
    {
        HttpRequestError.ConnectionError when exception.InnerException is System.Net.Sockets.SocketException socket => $"cannot connect ({socket.SocketErrorCode}: {socket.Message})",
        HttpRequestError.ConnectionError => "cannot connect",
        HttpRequestError.NameResolutionError => "the host name does not resolve",
        HttpRequestError.SecureConnectionError => $"TLS failed: {exception.Message}",
        _ => exception.Message,
    };
}
