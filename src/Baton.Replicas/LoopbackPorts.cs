using System.Net;
using System.Net.Sockets;

namespace Baton.Replicas;

/// <summary>Ports on 127.0.0.1: a free one for <c>port: auto</c>, and whether one is taken.</summary>
public static class LoopbackPorts
{
    /// <summary>A loopback port free right now (another process may still take it before the replica binds it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Whether something already listens on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool InUse(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
