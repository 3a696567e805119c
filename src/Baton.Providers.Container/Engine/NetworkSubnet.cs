namespace Baton.Providers.Container.Engine;

/// <summary>One address range of a network (an <c>IPAM.Config</c> entry); the gateway is null when the engine reports none.</summary>
internal sealed record NetworkSubnet(string Subnet, string? Gateway);
