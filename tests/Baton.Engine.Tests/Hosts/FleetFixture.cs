namespace Baton.Engine.Tests.Hosts;

/// <summary>Two SSH hosts, shared by a test class.</summary>
public sealed class FleetFixture() : HostFleetFixture(2, "stack");
