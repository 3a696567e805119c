using System.Collections.Immutable;
using Baton.Replicas;
using Baton.Values;
using CsCheck;
using Step = Baton.Providers.Tests.Replicas.InMemoryReplicaDriver.Step;
using StepKind = Baton.Providers.Tests.Replicas.InMemoryReplicaDriver.StepKind;

namespace Baton.Providers.Tests.Replicas;

/// <summary>
/// Properties of <see cref="ReplicaSet{TReplica}"/>'s scheduling, over generated services on an
/// <see cref="InMemoryReplicaDriver"/>. A replacing update goes from version 1 to version 2. With r the replicas asked
/// for, and s and u the <c>max_surge</c> and <c>max_unavailable</c> the rollout really uses — the inputs' own, except
/// that a fixed port forces s = 0 and u = max(1, u) (it cannot be held twice), a rolling restart uses s = 0, u = 1 and
/// a restart of all s = 0, u = max(1, r) — the invariants are:
/// <list type="number">
/// <item>Surge: right after every start, at most r + s replicas run.</item>
/// <item>
/// Availability: after every step of the world (a start, a refused start, a stop, a save) at least min(r − u, R₀)
/// replicas are ready, R₀ being how many were ready when the operation began. Ready is the world's truth (see
/// <see cref="InMemoryReplicaDriver"/>): an old replica that runs counts; a new one only once it would pass its check
/// (or has been alive the start grace), whatever the replica set believes. Only a stop lowers the count, so checking
/// after every step is checking at every moment. The min is there because a rollout stops nothing below r − u but
/// cannot conjure capacity a scale-up has not started yet; u ≤ r (the settings parser says so), so the bound is never
/// negative.
/// </item>
/// <item>A finished update leaves exactly r replicas running and ready, one per index 0..r−1, all on the new version,
/// none marked rollout; every old replica was stopped exactly once and every index started exactly once. Without a
/// surge each replacement keeps its predecessor's auto port.</item>
/// <item>An update that does not replace only scales: the highest indexes stop, missing ones start, exited ones start
/// again when the restart policy says so, and no replica below the new count that runs is stopped.</item>
/// <item>A new replica that fails stops the rollout: the error names it, no old replica stops after it, and what runs
/// is exactly what the service remembers. The next update (to the same inputs, or back to the old ones) keeps the
/// replicas that already run what it asks for and starts only the indexes none of them holds.</item>
/// <item>Crash safety: after every save, every replica that runs is in the snapshot, and the snapshot says which inputs
/// each runs (<see cref="ServiceState{TReplica}.InputsOf"/>), so a crash at any point leaves no unknown replica and none
/// on unknown inputs.</item>
/// </list>
/// The smallest cases these properties found going wrong in earlier versions are in <see cref="ReplicaSetFailedRolloutTests"/>.
/// </summary>
public sealed class ReplicaSetPropertyTests
{
    private const int Iterations = 500;

    private static readonly Gen<PortMode> Ports = Gen.Frequency((3, PortMode.Auto), (1, PortMode.None), (1, PortMode.Fixed));

    /// <summary>Replicas before and after 0..8, max_surge and max_unavailable 0..4 (only combinations the settings parser takes), a port, a health check.</summary>
    private static readonly Gen<UpdateCase> UpdateCases =
        Gen.Select(Gen.Int[0, 8], Gen.Int[0, 8], Gen.Int[0, 4], Gen.Int[0, 4], Ports, Gen.Bool, Gen.Int[1, 3], Gen.OneOf(0, 150, 1000).Array[8],
                (before, after, surge, unavailable, port, health, threshold, delays) => port == PortMode.Fixed
                    ? new UpdateCase(before % 2, after % 2, surge, unavailable, port, health, threshold, delays)
                    : new UpdateCase(before, after, surge, unavailable, port, health, threshold, delays))
            .Where(c => ServiceInputs.Valid(c.OldInputs) && ServiceInputs.Valid(c.NewInputs));

    [Fact]
    public Task UpdateAsync_ReplacingInputs_NeverRunsMoreThanReplicasPlusSurge() =>
        UpdateCases.SampleAsync(async c =>
        {
            var outcome = await RunUpdateAsync(c);

            Assert.True(outcome.Error is null, outcome.Error?.Message);
            AssertAtMostRunning(outcome.Steps, c.After + c.Surge);
        }, iter: Iterations, print: c => c.ToString());

    [Fact]
    public Task UpdateAsync_ReplacingInputs_NeverServesFewerThanMaxUnavailableAllows() =>
        UpdateCases.SampleAsync(async c =>
        {
            var outcome = await RunUpdateAsync(c);

            Assert.True(outcome.Error is null, outcome.Error?.Message);
            AssertAtLeastReady(outcome.Steps, Math.Min(c.After - c.Unavailable, outcome.ReadyAtStart));
        }, iter: Iterations, print: c => c.ToString());

    [Fact]
    public Task UpdateAsync_ReplacingInputsNoFailure_EndsWithOneNewReplicaPerIndexEachOldStoppedOnce() =>
        UpdateCases.SampleAsync(async c =>
        {
            var outcome = await RunUpdateAsync(c);

            AssertFinished(outcome.World, outcome.Service, outcome.Error, c.NewInputs, c.After);
            var stops = outcome.Steps.Where(s => s.Kind == StepKind.Stopped).ToList();
            foreach (var old in outcome.Before.Replicas)
            {
                Assert.True(stops.Count(s => s.Replica!.Serial == old.Serial) == 1, $"{old} was stopped {stops.Count(s => s.Replica!.Serial == old.Serial)} times");
            }

            Assert.DoesNotContain(stops, s => s.Replica!.Serial >= outcome.FirstNewSerial);
            Assert.Equal(Enumerable.Range(0, c.After), outcome.Steps.Where(s => s.Kind == StepKind.Started).Select(s => s.Index).Order());

            // Without a surge every replacement starts after its predecessor stopped, so it keeps its endpoint.
            if (c.Surge == 0 && c.Port == PortMode.Auto)
            {
                foreach (var old in outcome.Before.Replicas.Where(r => r.Index < c.After))
                {
                    Assert.Equal(old.Port, outcome.Service!.Replicas[old.Index].Port);
                }
            }

            if (c.Port == PortMode.Fixed)
            {
                Assert.All(outcome.Service!.Replicas, r => Assert.Equal(ServiceInputs.FixedPort, r.Port));
            }
        }, iter: Iterations, print: c => c.ToString());

    [Fact]
    public Task UpdateAsync_ReplacingInputs_EverySnapshotKnowsEveryRunningReplicaAndWhatItRuns() =>
        UpdateCases.SampleAsync(async c =>
        {
            var outcome = await RunUpdateAsync(c);

            AssertEveryRunningReplicaKnown(outcome.World.Driver.Trace);
            AssertEveryReplicaLabelled(outcome.World.Driver.Trace);
        }, iter: Iterations, print: c => c.ToString());

    /// <summary>Inputs that do not replace (the version stays; replicas and the restart policy change), with some old replicas already exited.</summary>
    private static readonly Gen<ScaleCase> ScaleCases =
        Gen.Select(
                Gen.Int[0, 8], Gen.Int[0, 8], Ports,
                Gen.OneOf([.. ReplicaSettings.RestartPolicies]), Gen.OneOf([.. ReplicaSettings.RestartPolicies]),
                Gen.Frequency((3, false), (1, true)).Array[8], Gen.OneOf<int?>(0, 1, 137, null).Array[8],
                (before, after, port, oldRestart, newRestart, dead, exits) => port == PortMode.Fixed
                    ? new ScaleCase(before % 2, after % 2, port, oldRestart, newRestart, dead, exits)
                    : new ScaleCase(before, after, port, oldRestart, newRestart, dead, exits))
            .Where(c => ServiceInputs.Valid(c.OldInputs) && ServiceInputs.Valid(c.NewInputs));

    [Fact]
    public Task UpdateAsync_NonReplacingInputs_OnlyScalesAndRestartsWhatThePolicyRestarts() =>
        ScaleCases.SampleAsync(async c =>
        {
            var world = new ReplicaWorld();
            var service = await world.CreatedAsync(c.OldInputs);
            var policy = world.Driver.Settings(c.NewInputs);
            foreach (var replica in service.Replicas.Where(r => c.Dead[r.Index]))
            {
                world.Driver.Kill(replica, c.Exits[replica.Index]);
            }

            var mark = world.Driver.Trace.Count;
            var firstNew = world.Driver.NextSerial;
            var (updated, error) = await world.Set.UpdateAsync(service, c.NewInputs, CancellationToken.None);
            var steps = world.StepsSince(mark);

            Assert.True(error is null, error?.Message);
            Assert.Equal(c.NewInputs, updated!.Inputs);
            Assert.Equal(Enumerable.Range(0, c.After), updated.Replicas.Select(r => r.Index));
            var stops = steps.Where(s => s.Kind == StepKind.Stopped).ToList();
            var restarted = new List<int>();
            foreach (var old in service.Replicas)
            {
                var timesStopped = stops.Count(s => s.Replica!.Serial == old.Serial);
                var replaced = old.Index >= c.After || (c.Dead[old.Index] && policy.ShouldRestart(c.Exits[old.Index]));
                Assert.True(timesStopped == (replaced ? 1 : 0), $"{old} was stopped {timesStopped} times");
                Assert.Equal(!replaced, updated.Replicas.Any(r => r.Serial == old.Serial));
                if (replaced && old.Index < c.After)
                {
                    restarted.Add(old.Index);
                    Assert.Equal(old.Port, updated.Replicas[old.Index].Port);
                }
            }

            // The highest indexes stop first, as a scale-down should; only missing and restarted indexes start, once each.
            Assert.Equal(stops.Select(s => s.Index).OrderDescending(), stops.Select(s => s.Index));
            Assert.Equal(Enumerable.Range(c.Before, Math.Max(0, c.After - c.Before)).Concat(restarted).Order(), steps.Where(s => s.Kind == StepKind.Started).Select(s => s.Index).Order());
            Assert.All(updated.Replicas, r => Assert.False(r.Rollout));

            // What runs is the service's replicas but those that exited and stay exited.
            var exited = updated.Replicas.Where(r => r.Serial < firstNew && c.Dead[r.Index]).ToList();
            Assert.Equal(updated.Replicas.Except(exited).Select(r => r.Serial).Order(), world.Driver.World().Select(o => o.Replica.Serial));
            AssertEveryRunningReplicaKnown(world.Driver.Trace);
            AssertEveryReplicaLabelled(world.Driver.Trace);
        }, iter: Iterations, print: c => c.ToString());

    /// <summary>Restarts of a running service: either strategy, every replica or a subset of indexes.</summary>
    private static readonly Gen<RestartCase> RestartCases =
        Gen.Select(Gen.Int[0, 8], Ports, Gen.Bool, Gen.Int[1, 3], Gen.Enum<RestartStrategy>(), Gen.Bool.Array[8].Null(0.4),
            (replicas, port, health, threshold, strategy, only) =>
                new RestartCase(port == PortMode.Fixed ? replicas % 2 : replicas, port, health, threshold, strategy, only));

    [Fact]
    public Task RestartAsync_AnyStrategyAndSubset_ReplacesExactlyTheChosenReplicasOnTheirPortsWithinTheBounds() =>
        RestartCases.SampleAsync(async c =>
        {
            var world = new ReplicaWorld();
            var service = await world.CreatedAsync(c.Inputs);
            var mark = world.Driver.Trace.Count;
            var firstNew = world.Driver.NextSerial;
            var readyAtStart = world.Driver.World().Count(o => o.Ready);

            var (restarted, error) = await world.Set.RestartAsync(service, c.Strategy, c.OnlySet, CancellationToken.None);
            var steps = world.StepsSince(mark);

            AssertFinished(world, restarted, error, c.Inputs, c.Replicas);
            var chosen = Enumerable.Range(0, c.Replicas).Where(i => c.OnlySet is null || c.OnlySet.Contains(i)).ToHashSet();
            var stops = steps.Where(s => s.Kind == StepKind.Stopped).ToList();
            foreach (var old in service.Replicas)
            {
                var timesStopped = stops.Count(s => s.Replica!.Serial == old.Serial);
                Assert.True(timesStopped == (chosen.Contains(old.Index) ? 1 : 0), $"{old} was stopped {timesStopped} times");
                var now = restarted!.Replicas[old.Index];
                Assert.Equal(!chosen.Contains(old.Index), now.Serial == old.Serial);
                Assert.Equal(old.Port, now.Port);
            }

            Assert.Equal(chosen.Order(), steps.Where(s => s.Kind == StepKind.Started).Select(s => s.Index).Order());
            Assert.DoesNotContain(stops, s => s.Replica!.Serial >= firstNew);
            if (c.Strategy == RestartStrategy.All && stops.Count > 0)
            {
                var lastStop = steps.IndexOf(stops[^1]);
                Assert.DoesNotContain(steps.Take(lastStop), s => s.Kind == StepKind.Started);
            }

            AssertAtMostRunning(steps, c.Replicas);
            AssertAtLeastReady(steps, c.Strategy == RestartStrategy.All ? 0 : Math.Min(c.Replicas - 1, readyAtStart));
            AssertEveryRunningReplicaKnown(world.Driver.Trace);
            AssertEveryReplicaLabelled(world.Driver.Trace);
        }, iter: Iterations, print: c => c.ToString());

    /// <summary>A replacing update in which one new replica fails (its start is refused, or it never becomes ready), and what the next update asks for.</summary>
    private static readonly Gen<FailureCase> FailureCases =
        UpdateCases.Where(c => c.After >= 1).SelectMany(c => Gen.Select(Gen.Int[0, c.After - 1], Gen.Bool, Gen.Bool,
            (failing, startFails, rollBack) => new FailureCase(c, failing, startFails, rollBack)));

    [Fact]
    public Task UpdateAsync_NewReplicaFails_NamesItAndLeavesTheOldReplicasRunning() =>
        FailureCases.SampleAsync(async f =>
        {
            var world = await FailAsync(f);

            AssertEveryRunningReplicaKnown(world.Driver.Trace);
        }, iter: Iterations, print: f => f.ToString());

    [Fact]
    public Task UpdateAsync_AMinuteAfterAFailedUpdate_ResumesOrRollsBackKeepingTheReplicasThatRunTheInputs() =>
        FailureCases.SampleAsync(async f =>
        {
            var world = await FailAsync(f);
            world.Time.Advance(TimeSpan.FromMinutes(1));

            await FollowUpAsync(world, f);
        }, iter: Iterations, print: f => $"{f}; a minute later");

    /// <summary>
    /// A new replica counts only once it is ready, even when an earlier update started it: when a start fails, the
    /// replicas started just before it in the same round were never waited for, and the next update must not count them
    /// as serving until they are.
    /// </summary>
    [Fact]
    public Task UpdateAsync_RightAfterAFailedUpdate_CountsTheReplicasItKeepsOnlyOnceReady() =>
        FailureCases.Where(f => !f.RollBack).SampleAsync(async f =>
        {
            var world = await FailAsync(f);

            await FollowUpAsync(world, f);
        }, iter: Iterations, print: f => $"{f}; at once");

    /// <summary>Runs the failing update of <paramref name="f"/> and checks how it fails.</summary>
    private static async Task<ReplicaWorld> FailAsync(FailureCase f)
    {
        var c = f.Update;
        var world = new ReplicaWorld();
        await world.CreatedAsync(c.OldInputs);
        SlowDown(world.Driver, c);
        if (f.StartFails)
        {
            world.Driver.FailStart(2, f.Failing);
        }
        else
        {
            world.Driver.NeverReady(2, f.Failing);
        }

        var mark = world.Driver.Trace.Count;
        var firstNew = world.Driver.NextSerial;
        var readyAtStart = world.Driver.World().Count(o => o.Ready);
        var (failed, error) = await world.Set.UpdateAsync(world.Driver.Saved!, c.NewInputs, CancellationToken.None);
        var steps = world.StepsSince(mark);

        Assert.Null(failed);
        Assert.NotNull(error);
        Assert.StartsWith("rolling update stopped: ", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains($"replica {f.Failing}:", StringComparison.Ordinal) || error.Message.Contains($"replica {f.Failing} (", StringComparison.Ordinal), error.Message);

        // Nothing old stops once the failure is known, and what runs is exactly what the service remembers.
        var failedAt = IndexOf(steps, s => s.Version == 2 && s.Index == f.Failing && s.Kind is StepKind.Started or StepKind.StartFailed);
        Assert.DoesNotContain(steps.Skip(failedAt), s => s.Kind == StepKind.Stopped && s.Replica!.Serial < firstNew);
        Assert.DoesNotContain(steps.Skip(failedAt), s => s.Kind == StepKind.Stopped && s.Index != f.Failing);
        Assert.Equal(world.Driver.Saved!.Replicas.Select(r => r.Serial).Order(), world.Driver.World().Select(o => o.Replica.Serial));
        AssertAtMostRunning(steps, c.After + c.Surge);
        AssertAtLeastReady(steps, Math.Min(c.After - c.Unavailable, readyAtStart));
        return world;
    }

    /// <summary>
    /// With the failure removed, the next update — to the same inputs, or back to the old ones — keeps the replicas that
    /// already run what it asks for, stops each of the others once, and starts only the indexes none of them holds.
    /// </summary>
    private static async Task FollowUpAsync(ReplicaWorld world, FailureCase f)
    {
        var c = f.Update;
        var (inputs, replicas, surge, unavailable) = f.RollBack
            ? (c.OldInputs, c.Before, c.Port == PortMode.Fixed ? 0 : 1, c.Port == PortMode.Fixed ? 1 : 0)
            : (c.NewInputs, c.After, c.Surge, c.Unavailable);
        var version = InMemoryReplicaDriver.VersionOf(inputs);
        world.Driver.ClearFailures();
        var running = world.Driver.World();
        var keepers = running.Select(o => o.Replica).Where(r => r.Version == version && r.Index < replicas).ToList();
        var mark = world.Driver.Trace.Count;
        var readyAtStart = running.Count(o => o.Ready);

        var (updated, error) = await world.Set.UpdateAsync(world.Driver.Saved!, inputs, CancellationToken.None);
        var steps = world.StepsSince(mark);

        AssertFinished(world, updated, error, inputs, replicas);
        Assert.Subset(updated!.Replicas.Select(r => r.Serial).ToHashSet(), keepers.Select(r => r.Serial).ToHashSet());
        foreach (var replica in running.Select(o => o.Replica))
        {
            var timesStopped = steps.Count(s => s.Kind == StepKind.Stopped && s.Replica!.Serial == replica.Serial);
            Assert.True(timesStopped == (keepers.Contains(replica) ? 0 : 1), $"{replica} was stopped {timesStopped} times");
        }

        Assert.Equal(Enumerable.Range(0, replicas).Except(keepers.Select(r => r.Index)), steps.Where(s => s.Kind == StepKind.Started).Select(s => s.Index).Order());
        AssertAtMostRunning(steps, replicas + surge);
        AssertAtLeastReady(steps, Math.Min(replicas - unavailable, readyAtStart));
        AssertEveryRunningReplicaKnown(world.Driver.Trace);
    }

    /// <summary>Up to three updates, any of which may fail, between versions 1, 2 and 3, then one that may not.</summary>
    private static readonly Gen<SequenceCase> SequenceCases =
        Gen.Select(Gen.Int[1, 6], Gen.Int[0, 3], Gen.Int[0, 3], Gen.OneOf(PortMode.None, PortMode.Auto), Gen.Bool,
                (replicas, surge, unavailable, port, health) => new SequenceCase(replicas, surge, unavailable, port, health, [], 1))
            .Where(c => ServiceInputs.Valid(c.Inputs(1)))
            .SelectMany(c => Gen.Select(
                Gen.Select(Gen.Int[1, 3], Gen.Int[-1, c.Replicas - 1], Gen.Bool, (version, failing, startFails) => new Attempt(version, failing, startFails)).Array[1, 3],
                Gen.Int[1, 3],
                (attempts, final) => c with { Attempts = attempts, Final = final }));

    [Fact]
    public Task UpdateAsync_AfterFailedUpdates_EverySnapshotKnowsEveryRunningReplica() =>
        SequenceCases.SampleAsync(async c =>
        {
            var world = await RunSequenceAsync(c);

            AssertEveryRunningReplicaKnown(world.Driver.Trace);
        }, iter: Iterations, print: c => c.ToString());

    /// <summary>
    /// The state a crash leaves must say which inputs each replica runs (the rollout's doc comment promises it), or a
    /// later update keeps a replica on the wrong inputs.
    /// </summary>
    [Fact]
    public Task UpdateAsync_AfterFailedUpdates_EverySnapshotSaysWhatEachReplicaRuns() =>
        SequenceCases.SampleAsync(async c =>
        {
            var world = await RunSequenceAsync(c);

            AssertEveryReplicaLabelled(world.Driver.Trace);
        }, iter: Iterations, print: c => c.ToString());

    [Fact]
    public Task UpdateAsync_AfterFailedUpdates_AFaultFreeUpdateLeavesEveryReplicaOnItsInputs() =>
        SequenceCases.SampleAsync(async c =>
        {
            var world = await RunSequenceAsync(c);
            world.Driver.ClearFailures();

            var (updated, error) = await world.Set.UpdateAsync(world.Driver.Saved!, c.Inputs(c.Final), CancellationToken.None);

            AssertFinished(world, updated, error, c.Inputs(c.Final), c.Replicas);
        }, iter: Iterations, print: c => c.ToString());

    private static async Task<UpdateOutcome> RunUpdateAsync(UpdateCase c)
    {
        var world = new ReplicaWorld();
        var service = await world.CreatedAsync(c.OldInputs);
        SlowDown(world.Driver, c);
        var mark = world.Driver.Trace.Count;
        var firstNew = world.Driver.NextSerial;
        var readyAtStart = world.Driver.World().Count(o => o.Ready);

        var (updated, error) = await world.Set.UpdateAsync(service, c.NewInputs, CancellationToken.None);

        return new UpdateOutcome(world, service, updated, error, world.StepsSince(mark), firstNew, readyAtStart);
    }

    private static async Task<ReplicaWorld> RunSequenceAsync(SequenceCase c)
    {
        var world = new ReplicaWorld();
        await world.CreatedAsync(c.Inputs(1));
        foreach (var attempt in c.Attempts)
        {
            world.Driver.ClearFailures();
            if (attempt.Failing >= 0 && attempt.StartFails)
            {
                world.Driver.FailStart(attempt.Version, attempt.Failing);
            }
            else if (attempt.Failing >= 0)
            {
                world.Driver.NeverReady(attempt.Version, attempt.Failing);
            }

            // What the state store holds is the last save, whether the update worked or not.
            await world.Set.UpdateAsync(world.Driver.Saved!, c.Inputs(attempt.Version), CancellationToken.None);
        }

        return world;
    }

    /// <summary>With a health check, the new version's replicas pass it only some time after they start.</summary>
    private static void SlowDown(InMemoryReplicaDriver driver, UpdateCase c)
    {
        if (c.Health)
        {
            for (var index = 0; index < c.ReadyDelaysMs.Length; index++)
            {
                driver.ReadyAfter(2, index, TimeSpan.FromMilliseconds(c.ReadyDelaysMs[index]));
            }
        }
    }

    private static void AssertFinished(ReplicaWorld world, ServiceState<InMemoryReplica>? service, ProviderError? error, Value inputs, int replicas)
    {
        Assert.True(error is null, error?.Message);
        Assert.NotNull(service);
        var version = InMemoryReplicaDriver.VersionOf(inputs);
        Assert.Equal(inputs, service.Inputs);

        // A scale-only update after a failed rollout leaves the rollout's inputs behind; no replica claims them, so they are inert.
        Assert.True(service.RolloutInputs is null || service.Replicas.All(r => !r.Rollout));
        Assert.Equal(Enumerable.Range(0, replicas), service.Replicas.Select(r => r.Index));
        Assert.All(service.Replicas, r => Assert.True(r.Version == version && !r.Rollout, $"{r} after the update to version {version}"));
        var running = world.Driver.World();
        Assert.Equal(service.Replicas.Select(r => r.Serial).Order(), running.Select(o => o.Replica.Serial));
        Assert.All(running, o => Assert.True(o.Ready, $"{o.Replica} is not ready"));
        var saved = world.Driver.Saved!;
        Assert.Equal(service.Inputs, saved.Inputs);
        Assert.Equal(service.Replicas.AsEnumerable(), saved.Replicas);
    }

    private static void AssertAtMostRunning(IEnumerable<Step> steps, int most)
    {
        foreach (var step in steps.Where(s => s.Kind == StepKind.Started))
        {
            Assert.True(step.World.Length <= most, $"{step.World.Length} replicas run after {step.Replica} started, more than {most}: {Show(step.World)}");
        }
    }

    private static void AssertAtLeastReady(IEnumerable<Step> steps, int least)
    {
        foreach (var step in steps)
        {
            var ready = step.World.Count(o => o.Ready);
            Assert.True(ready >= least, $"only {ready} replicas are ready after {step.Kind} {step.Replica}, fewer than {least}: {Show(step.World)}");
        }
    }

    private static void AssertEveryRunningReplicaKnown(IEnumerable<Step> steps)
    {
        foreach (var step in steps.Where(s => s.Kind == StepKind.Saved))
        {
            var unknown = step.World.Where(o => step.Saved!.Replicas.All(r => r.Serial != o.Replica.Serial)).ToList();
            Assert.True(unknown.Count == 0, $"{string.Join(", ", unknown.Select(o => o.Replica))} run(s) but the saved service has only {string.Join(", ", step.Saved!.Replicas)}");
        }
    }

    private static void AssertEveryReplicaLabelled(IEnumerable<Step> steps)
    {
        foreach (var step in steps.Where(s => s.Kind == StepKind.Saved))
        {
            foreach (var replica in step.Saved!.Replicas)
            {
                var remembered = InMemoryReplicaDriver.VersionOf(step.Saved.InputsOf(replica));
                Assert.True(remembered == replica.Version, $"the saved service says {replica} runs version {remembered}");
            }
        }
    }

    private static int IndexOf(ImmutableArray<Step> steps, Func<Step, bool> predicate)
    {
        for (var i = 0; i < steps.Length; i++)
        {
            if (predicate(steps[i]))
            {
                return i;
            }
        }

        throw new InvalidOperationException("no such step");
    }

    private static string Show(ImmutableArray<InMemoryReplicaDriver.Observed> world) =>
        string.Join(", ", world.Select(o => $"{o.Replica}{(o.Ready ? "" : " not ready")}"));

    private sealed record UpdateOutcome(
        ReplicaWorld World, ServiceState<InMemoryReplica> Before, ServiceState<InMemoryReplica>? Service, ProviderError? Error, ImmutableArray<Step> Steps, int FirstNewSerial, int ReadyAtStart);

    private sealed record UpdateCase(int Before, int After, int MaxSurge, int MaxUnavailable, PortMode Port, bool Health, int Threshold, int[] ReadyDelaysMs)
    {
        public Value OldInputs => ServiceInputs.Of(1, Before, Port, health: Health, healthyThreshold: Threshold);

        public Value NewInputs => ServiceInputs.Of(2, After, Port, (MaxSurge, MaxUnavailable), Health, Threshold);

        /// <summary>The surge the rollout uses: none with a fixed port.</summary>
        public int Surge => Port == PortMode.Fixed ? 0 : MaxSurge;

        /// <summary>The unavailability the rollout uses: at least one with a fixed port.</summary>
        public int Unavailable => Port == PortMode.Fixed ? Math.Max(1, MaxUnavailable) : MaxUnavailable;

        public override string ToString() =>
            $"replicas {Before} -> {After}, max_surge {MaxSurge}, max_unavailable {MaxUnavailable}, port {Port}, "
            + (Health ? $"exec check x{Threshold}, new replicas healthy after [{string.Join(", ", ReadyDelaysMs.Take(After))}] ms" : "no health check");
    }

    private sealed record ScaleCase(int Before, int After, PortMode Port, string OldRestart, string NewRestart, bool[] Dead, int?[] Exits)
    {
        public Value OldInputs => ServiceInputs.Of(1, Before, Port, restart: OldRestart);

        public Value NewInputs => ServiceInputs.Of(1, After, Port, restart: NewRestart);

        public override string ToString() =>
            $"replicas {Before} -> {After}, port {Port}, restart {OldRestart} -> {NewRestart}, exited before: "
            + string.Join(", ", Enumerable.Range(0, Before).Where(i => Dead[i]).Select(i => $"{i} (status {Exits[i]?.ToString() ?? "unknown"})"));
    }

    private sealed record RestartCase(int Replicas, PortMode Port, bool Health, int Threshold, RestartStrategy Strategy, bool[]? Only)
    {
        public Value Inputs => ServiceInputs.Of(1, Replicas, Port, health: Health, healthyThreshold: Threshold);

        public HashSet<int>? OnlySet => Only is null ? null : Enumerable.Range(0, Replicas).Where(i => Only[i]).ToHashSet();

        public override string ToString() =>
            $"replicas {Replicas}, port {Port}, {(Health ? $"exec check x{Threshold}" : "no health check")}, {Strategy}, only {(OnlySet is null ? "all" : $"[{string.Join(", ", OnlySet)}]")}";
    }

    private sealed record FailureCase(UpdateCase Update, int Failing, bool StartFails, bool RollBack)
    {
        public override string ToString() =>
            $"{Update}; version 2 replica {Failing} {(StartFails ? "cannot start" : "never becomes ready")}; the next update {(RollBack ? "goes back to version 1" : "to version 2 again")}";
    }

    private sealed record Attempt(int Version, int Failing, bool StartFails)
    {
        public override string ToString() =>
            $"-> v{Version}{(Failing < 0 ? "" : StartFails ? $" (replica {Failing} cannot start)" : $" (replica {Failing} never ready)")}";
    }

    private sealed record SequenceCase(int Replicas, int MaxSurge, int MaxUnavailable, PortMode Port, bool Health, Attempt[] Attempts, int Final)
    {
        public Value Inputs(int version) => ServiceInputs.Of(version, Replicas, Port, (MaxSurge, MaxUnavailable), Health);

        public override string ToString() =>
            $"replicas {Replicas}, max_surge {MaxSurge}, max_unavailable {MaxUnavailable}, port {Port}, {(Health ? "exec check" : "no health check")}: v1 {string.Join(" ", Attempts.Select(a => a.ToString()))} then -> v{Final}";
    }
}
