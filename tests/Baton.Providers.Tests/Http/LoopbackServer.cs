using System.Net;
using System.Text;

namespace Baton.Providers.Tests.Http;

/// <summary>A real HTTP server on a free 127.0.0.1 port; <c>respond</c> gets each request and its 1-based number.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, int, Task> _respond;
    private readonly Task _loop;
    private int _requests;

    public LoopbackServer(Func<HttpListenerContext, int, Task> respond)
    {
        _respond = respond;
        Port = LoopbackPort.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url(string path = "/") => $"http://127.0.0.1:{Port}{path}";

    public int Requests => Volatile.Read(ref _requests);

    public List<string> SeenHeaders { get; } = [];

    public static async Task WriteAsync(HttpListenerContext context, int status, string body, params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop first drops the port's endpoint, and Close then looks it up again, binding the port anew —
        // which fails when another process has taken the port meanwhile.
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The listener is closed either way.
        }

        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var number = Interlocked.Increment(ref _requests);
            lock (SeenHeaders)
            {
                SeenHeaders.AddRange(context.Request.Headers.AllKeys.Select(k => $"{k}: {context.Request.Headers[k]}"));
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await _respond(context, number);
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException)
                {
                    // The client went away.
                }
            });
        }
    }
}
