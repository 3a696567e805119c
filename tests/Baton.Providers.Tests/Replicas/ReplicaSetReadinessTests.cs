using Baton.Replicas;

namespace Baton.Providers.Tests.Replicas;

/// <summary>The readiness rule without a health check: a replica that exits within the start grace did not start, unless it is a one-shot command that succeeded.</summary>
public sealed class ReplicaSetReadinessTests
{
    private static readonly TimeSpan WithinGrace = ReplicaSettings.StartGrace / 2;

    [Fact]
    public async Task CreateAsync_NoHealthCheckAndAReplicaExitsWithinStartGrace_FailsNamingTheReplica()
    {
        var world = new ReplicaWorld();
        world.Driver.ExitAfter(1, 1, WithinGrace, exitCode: 0);

        var (service, error) = await world.CreateAsync(ServiceInputs.Of(1, replicas: 2));

        Assert.NotNull(error);
        Assert.StartsWith($"{ReplicaWorld.Address}: replica 1 (serial 2) exited right after start with status 0; last log lines:\n", error.Message, StringComparison.Ordinal);

        // The replicas started so far are handed back, so the caller can stop them.
        Assert.Equal([0, 1], service.Replicas.Select(r => r.Index));
    }

    [Theory]
    [InlineData(ReplicaSettings.RestartNo)]
    [InlineData(ReplicaSettings.RestartOnFailure)]
    public async Task CreateAsync_OneShotPolicyAndAReplicaExitsZeroWithinStartGrace_Succeeds(string restart)
    {
        var world = new ReplicaWorld();
        world.Driver.ExitAfter(1, 0, WithinGrace, exitCode: 0);

        var (service, error) = await world.CreateAsync(ServiceInputs.Of(1, replicas: 2, restart: restart));

        Assert.Null(error);
        Assert.Equal([0, 1], service.Replicas.Select(r => r.Index));
        Assert.Equal([1], world.Driver.World().Select(o => o.Replica.Index));
    }

    [Fact]
    public async Task CreateAsync_OnFailureAndAReplicaExitsNonZeroWithinStartGrace_Fails()
    {
        var world = new ReplicaWorld();
        world.Driver.ExitAfter(1, 0, WithinGrace, exitCode: 3);

        var (_, error) = await world.CreateAsync(ServiceInputs.Of(1, replicas: 1, restart: ReplicaSettings.RestartOnFailure));

        Assert.NotNull(error);
        Assert.Contains("replica 0 (serial 1) exited right after start with status 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_NoHealthCheckAndAReplicaExitsAfterStartGrace_Succeeds()
    {
        var world = new ReplicaWorld();
        world.Driver.ExitAfter(1, 0, ReplicaSettings.StartGrace + TimeSpan.FromMilliseconds(1), exitCode: 1);

        var (service, error) = await world.CreateAsync(ServiceInputs.Of(1, replicas: 1));

        Assert.Null(error);
        Assert.Equal([0], service.Replicas.Select(r => r.Index));
    }
}
