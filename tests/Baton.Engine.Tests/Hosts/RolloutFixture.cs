namespace Baton.Engine.Tests.Hosts;

/// <summary>Four SSH hosts, shared by a test class.</summary>
public sealed class RolloutFixture() : HostFleetFixture(4, "rollout");
