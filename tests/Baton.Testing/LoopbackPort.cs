using System.Net;
using System.Net.Sockets;

namespace Baton.Testing;

/// <summary>Ports on 127.0.0.1 for servers the tests start, or for addresses that must refuse connections.</summary>
public static class LoopbackPort
{
    /// <summary>A port on 127.0.0.1 nothing listened on a moment ago: connecting to it is refused until someone binds it.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
