namespace Baton.Providers.Container.Engine;

/// <summary>Where a container port is published on the engine's host.</summary>
internal sealed record PortBinding(string HostIp, string HostPort);
