
namespace Baton.Providers.Tests.Replicas;

/// <summary>
/// The smallest cases the rollout properties found in which an update after a failed one goes wrong (see
/// ReplicaSetPropertyTests), kept as examples of what ReplicaSet now gets right.
/// </summary>
public sealed class ReplicaSetFailedRolloutTests
{
    /// <summary>
    /// When a start is refused, the replicas started just before it in the same round are never waited for, yet the
    /// service keeps them as new replicas; the next update counts them as serving without checking them either.
    /// </summary>
    [Fact]
    public async Task UpdateAsync_AfterARefusedStart_DoesNotKeepANewReplicaThatNeverBecameHealthy()
    {
        var world = new ReplicaWorld();
        var rollout = (MaxSurge: 2, MaxUnavailable: 0);
        await world.CreatedAsync(ServiceInputs.Of(1, 2, rollout: rollout, health: true));
        world.Driver.NeverReady(2, 0);
        world.Driver.FailStart(2, 1);

        var (_, refused) = await world.Set.UpdateAsync(world.Driver.Saved!, ServiceInputs.Of(2, 2, rollout: rollout, health: true), CancellationToken.None);
        Assert.Contains("replica 1: version 2 cannot start", refused!.Message, StringComparison.Ordinal);

        // Replica 1 can start now; replica 0 of version 2 is still never healthy.
        world.Driver.ClearFailures();
        world.Driver.NeverReady(2, 0);
        var (updated, error) = await world.Set.UpdateAsync(world.Driver.Saved!, ServiceInputs.Of(2, 2, rollout: rollout, health: true), CancellationToken.None);

        // The update stops at replica 0, which is never healthy, and the old replicas still serve (with the new replica 1).
        Assert.Null(updated);
        Assert.Contains("replica 0", error!.Message, StringComparison.Ordinal);
        Assert.True(world.Driver.World().Count(o => o.Ready) >= 2, "fewer than two replicas serve");
        Assert.Equal(2, world.Driver.World().Count(o => o.Ready && o.Replica.Version == 1));
    }

    /// <summary>
    /// A rollout marks every replica it does not keep as running the service's inputs, so one left by an earlier failed
    /// rollout to other inputs is remembered as running the old inputs; if this rollout stops (or crashes) before it
    /// has replaced that replica, a later update to the old inputs keeps it.
    /// </summary>
    [Fact]
    public async Task UpdateAsync_RollbackThatFailsOnceAfterAFailedUpdate_LeavesNoReplicaOnTheFailedVersion()
    {
        var world = new ReplicaWorld();
        var rollout = (MaxSurge: 0, MaxUnavailable: 1);
        var v1 = ServiceInputs.Of(1, 2, rollout: rollout);
        await world.CreatedAsync(v1);

        // Version 2 replaces replica 0, then its replica 1 exits: replica 0 runs version 2, replica 1 nothing.
        world.Driver.NeverReady(2, 1);
        var (_, failed) = await world.Set.UpdateAsync(world.Driver.Saved!, ServiceInputs.Of(2, 2, rollout: rollout), CancellationToken.None);
        Assert.NotNull(failed);

        // Going back to version 1 fails too, before it reaches replica 0: the service now says replica 0 runs version 1.
        world.Driver.ClearFailures();
        world.Driver.NeverReady(1, 1);
        var (_, failedAgain) = await world.Set.UpdateAsync(world.Driver.Saved!, v1, CancellationToken.None);
        Assert.NotNull(failedAgain);
        var replica0 = Assert.Single(world.Driver.Saved!.Replicas);
        Assert.Equal(2, replica0.Version);
        Assert.Equal(2, InMemoryReplicaDriver.VersionOf(world.Driver.Saved.InputsOf(replica0)));

        world.Driver.ClearFailures();
        var (updated, error) = await world.Set.UpdateAsync(world.Driver.Saved!, v1, CancellationToken.None);

        Assert.Null(error);
        Assert.All(updated!.Replicas, r => Assert.Equal(1, r.Version));
    }

    /// <summary>
    /// A failed rollout that stopped the only replica first (max_unavailable 1) leaves none; the next update to the old
    /// inputs only starts the missing one, and when that one never becomes healthy it was kept, still running: the
    /// update after that counted it as serving without checking it.
    /// </summary>
    [Fact]
    public async Task UpdateAsync_StartingAMissingReplicaThatNeverBecomesHealthy_ForgetsIt()
    {
        var world = new ReplicaWorld();
        var rollout = (MaxSurge: 1, MaxUnavailable: 1);
        var v1 = ServiceInputs.Of(1, 1, rollout: rollout, health: true);
        await world.CreatedAsync(v1);

        world.Driver.NeverReady(2, 0);
        var (_, failed) = await world.Set.UpdateAsync(world.Driver.Saved!, ServiceInputs.Of(2, 1, rollout: rollout, health: true), CancellationToken.None);
        Assert.NotNull(failed);

        world.Driver.ClearFailures();
        world.Driver.NeverReady(1, 0);
        var (_, failedAgain) = await world.Set.UpdateAsync(world.Driver.Saved!, v1, CancellationToken.None);
        Assert.NotNull(failedAgain);
        Assert.Empty(world.Driver.Saved!.Replicas);
        Assert.Empty(world.Driver.World());

        world.Driver.ClearFailures();
        var (updated, error) = await world.Set.UpdateAsync(world.Driver.Saved!, v1, CancellationToken.None);

        Assert.Null(error);
        var replica = Assert.Single(updated!.Replicas);
        Assert.Equal(1, replica.Version);
        Assert.All(world.Driver.World(), o => Assert.True(o.Ready, $"{o.Replica} is not ready"));
    }

    /// <summary>
    /// A rolling update that meets a replica which no longer runs (exited, or a container created and never started
    /// when a crash stopped the create) stops it before it starts the index again: for no moment, however a crash
    /// freezes it, does one index have a dead replica beside its replacement.
    /// </summary>
    [Fact]
    public async Task UpdateAsync_RolloutOverADeadReplica_StopsItBeforeStartingItsIndexAgain()
    {
        var world = new ReplicaWorld();
        var rollout = (MaxSurge: 1, MaxUnavailable: 0);
        var created = await world.CreatedAsync(ServiceInputs.Of(1, 2, rollout: rollout));
        var dead = created.Replicas.Single(r => r.Index == 1);
        world.Driver.Kill(dead, exitCode: 137);
        var mark = world.Driver.Trace.Count;

        var (updated, error) = await world.Set.UpdateAsync(world.Driver.Saved!, ServiceInputs.Of(2, 2, rollout: rollout), CancellationToken.None);

        Assert.Null(error);
        Assert.All(updated!.Replicas, r => Assert.Equal(2, r.Version));
        var steps = world.Driver.Trace.Skip(mark).ToList();
        var stoppedDead = steps.FindIndex(st => st.Kind == InMemoryReplicaDriver.StepKind.Stopped && st.Replica == dead);
        var startedIndex1 = steps.FindIndex(st => st.Kind == InMemoryReplicaDriver.StepKind.Started && st.Index == 1);
        Assert.True(stoppedDead >= 0, "the dead replica was never stopped");
        Assert.True(stoppedDead < startedIndex1, $"index 1 started again (step {startedIndex1}) before its dead replica was stopped (step {stoppedDead})");
    }
}
