using System.Globalization;
using System.Net;
using System.Text;
using Baton.Providers.Nginx;
using Baton.Providers.Tests.Conformance;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Tests.Nginx;

/// <summary>
/// A stack, state and nginx base directory, and backends that answer with their own name. On dispose the nginx
/// master is stopped (by the pid in its pid file, only while its start time still matches the one recorded at
/// start), the backends closed and the directories removed.
/// </summary>
internal sealed class NginxFixture : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<HttpListener> _backends = [];

    public NginxFixture()
    {
        Directory.CreateDirectory(Stack);
        Directory.CreateDirectory(State);
    }

    public string Stack => _directory.Combine("stack");

    public string State => _directory.Combine("stack", ".baton");

    public string BaseDirectory => Path.Combine(State, "nginx");

    public ProviderConfiguration Configuration() => new()
    {
        InstanceName = "nginx",
        Settings = Value.EmptyMap,
        StackDirectory = Stack,
        StateDirectory = State,
    };

    public async Task<IProvider> StartAsync() => await new NginxProviderFactory().StartAsync(Configuration());

    /// <summary>The running master's pid and start time, from the provider's identity file, when it is alive.</summary>
    public (int Pid, long Ticks)? Master()
    {
        var path = Path.Combine(BaseDirectory, "master.identity");
        if (!System.IO.File.Exists(path))
        {
            return null;
        }

        var parts = System.IO.File.ReadAllText(path).Split(' ');
        var pid = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var ticks = long.Parse(parts[1], CultureInfo.InvariantCulture);
        return ProcessGroups.IsAlive(pid, ticks) ? (pid, ticks) : null;
    }

    /// <summary>Starts a backend on a free loopback port answering every request with <paramref name="name"/>; returns "127.0.0.1:PORT".</summary>
    public string Backend(string name)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackPort.Free();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                continue;
            }

            _backends.Add(listener);
            _ = ServeAsync(listener, name);
            return $"127.0.0.1:{port}";
        }
    }

    public void Dispose()
    {
        // The pid file names the master; it is signalled only while its start time matches the recorded identity.
        var pidFile = Path.Combine(BaseDirectory, "nginx.pid");
        if (Master() is { } master && System.IO.File.Exists(pidFile)
            && int.Parse(System.IO.File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture) == master.Pid)
        {
            MasterSignals.Send(master.Pid, MasterSignals.Quit);
            for (var i = 0; i < 200 && ProcessGroups.IsAlive(master.Pid, master.Ticks); i++)
            {
                Thread.Sleep(25);
            }

            if (ProcessGroups.IsAlive(master.Pid, master.Ticks))
            {
                MasterSignals.Send(master.Pid, MasterSignals.Kill);
            }
        }

        foreach (var backend in _backends)
        {
            backend.Close();
        }

        _directory.Dispose();
    }

    private static async Task ServeAsync(HttpListener listener, string name)
    {
        var body = Encoding.UTF8.GetBytes(name);
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                context.Response.ContentType = "text/plain";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
            {
            }
        }
    }
}
