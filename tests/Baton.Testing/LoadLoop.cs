using System.Collections.Concurrent;
using System.Diagnostics;

namespace Baton.Testing;

/// <summary>
/// A bounded client loop: a few workers send GET requests to one URL until stopped, a time limit or a request
/// limit, and count every answer. A failure is any status but 200 or any exception (refused, reset, timeout).
/// </summary>
public sealed class LoadLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _workers;
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private long _requests;
    private long _remaining;

    private LoadLoop(Uri url, int workers, TimeSpan limit, long maxRequests)
    {
        _remaining = maxRequests;
        _stop = new CancellationTokenSource(limit);
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => RunAsync(url)))];
    }

    public long Requests => Interlocked.Read(ref _requests);

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Versions and instances that answered: (X-Shop-Version, X-Shop-Instance).</summary>
    public ConcurrentDictionary<(string Version, string Instance), int> Answers { get; } = new();

    public static LoadLoop Start(Uri url, int workers = 2, TimeSpan? limit = null, long maxRequests = 200_000) =>
        new(url, workers, limit ?? TimeSpan.FromMinutes(4), maxRequests);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        _client.Dispose();
    }

    private async Task RunAsync(Uri url)
    {
        while (!_stop.IsCancellationRequested && Interlocked.Decrement(ref _remaining) >= 0)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                // A connection per request: the loop measures whether the service answers through the balancer. A
                // kept-alive connection that nginx closes as an old worker exits on reload is a race HTTP/1.1 leaves
                // to the client (a retry of the idempotent request), not a request the service failed.
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.ConnectionClose = true;
                using var response = await _client.SendAsync(request, _stop.Token);
                var body = await response.Content.ReadAsStringAsync(_stop.Token);
                Interlocked.Increment(ref _requests);
                if ((int)response.StatusCode != 200)
                {
                    Failures.Enqueue($"{(int)response.StatusCode} after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms: {Truncate(body)}");
                    continue;
                }

                var version = response.Headers.TryGetValues("X-Shop-Version", out var v) ? string.Join(",", v) : "?";
                var instance = response.Headers.TryGetValues("X-Shop-Instance", out var i) ? string.Join(",", i) : "?";
                Answers.AddOrUpdate((version, instance), 1, (_, n) => n + 1);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                Interlocked.Increment(ref _requests);
                Failures.Enqueue($"{e.GetType().Name} after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms: {e.Message}");
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
