namespace Baton.Providers.Tests.Replicas;

/// <summary>Which <c>port</c> a generated service has.</summary>
internal enum PortMode
{
    /// <summary>No port.</summary>
    None,

    /// <summary><c>port: auto</c>.</summary>
    Auto,

    /// <summary><c>port: 8080</c> (one replica at most).</summary>
    Fixed,
}
