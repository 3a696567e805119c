using System.Text;

namespace Baton.Server.Tests.Support;

/// <summary>Reads a Server-Sent Events response line by line, as a browser's EventSource would.</summary>
internal sealed class EventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly StringBuilder _raw = new();

    private EventStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    /// <summary>Everything read so far, as sent.</summary>
    public string Raw => _raw.ToString();

    public static async Task<EventStream> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = await response.Content.ReadAsStreamAsync();
        return new EventStream(response, new StreamReader(stream, Encoding.UTF8));
    }

    /// <summary>Reads frames until one matches, failing after <paramref name="timeout"/> or when the stream ends.</summary>
    public async Task<Frame> WaitForAsync(Func<Frame, bool> match, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var frame = await NextAsync(limit.Token);
                if (frame is null)
                {
                    Assert.Fail("the event stream ended; read: " + Raw);
                }

                if (match(frame))
                {
                    return frame;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            Assert.Fail($"no matching event within {timeout}; read: {Raw}");
            throw;
        }
    }

    /// <summary>Reads whatever arrives for <paramref name="duration"/>.</summary>
    public async Task<IReadOnlyList<Frame>> ReadForAsync(TimeSpan duration)
    {
        var frames = new List<Frame>();
        using var limit = new CancellationTokenSource(duration);
        try
        {
            while (await NextAsync(limit.Token) is { } frame)
            {
                frames.Add(frame);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            // The time is up.
        }

        return frames;
    }

    /// <summary>The next frame (comments and retry hints skipped); null at the end of the stream.</summary>
    public async Task<Frame?> NextAsync(CancellationToken cancellationToken)
    {
        string? id = null;
        string? kind = null;
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            _raw.Append(line).Append('\n');
            if (line.Length == 0)
            {
                if (kind is not null || data.Length > 0)
                {
                    // Messages carry their kind in their JSON data; named events (such as gap) in the event field.
                    return new Frame(id, kind ?? KindOf(data.ToString()), data.ToString());
                }

                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                kind = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }

        return null;
    }

    private static string KindOf(string data)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(data);
            return json.RootElement.TryGetProperty("kind", out var kind) ? kind.GetString() ?? "message" : "message";
        }
        catch (System.Text.Json.JsonException)
        {
            return "message";
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>One event: its id, its kind and its JSON data.</summary>
    internal sealed record Frame(string? Id, string Kind, string Data);
}
