using System.Collections.Immutable;
using Baton.Values;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace Baton.State.Tests.Contract;

/// <summary>
/// What every <see cref="IStateStore"/> must do. A store's test class derives from this and opens stores on one
/// database per test: every <see cref="CreateStoreAsync(TimeProvider)"/> call in a test sees the same data, as
/// separate processes sharing the state would.
/// </summary>
public abstract class StateStoreContract
{
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected static CancellationToken Token => CancellationToken.None;

    /// <summary>Opens a store on this test's database, with <paramref name="time"/> as its clock.</summary>
    protected abstract Task<IStateStore> CreateStoreAsync(TimeProvider time);

    /// <summary>Opens a store on this test's database with the system clock.</summary>
    protected Task<IStateStore> CreateStoreAsync() => CreateStoreAsync(TimeProvider.System);

    protected static FakeTimeProvider NewClock() => new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    protected static async Task<StackLock> LockAsync(IStateStore store, string stack = "app", string owner = "alice")
    {
        var attempt = await store.AcquireLockAsync(stack, owner, "apply", Lease, TimeSpan.Zero, Token);
        Assert.True(attempt.Acquired, $"lock on {stack} held by {attempt.Holder?.Owner}");
        return attempt.Lock!;
    }

    protected static ResourceState Resource(string address, string id = "id-1", Value? inputs = null, string? deposedKey = null) => new()
    {
        Address = address,
        Type = "sim.resource",
        Provider = "sim",
        Id = id,
        Inputs = inputs ?? Value.Map([new("input", Value.String(address))]),
        Attributes = Value.Map([new("id", Value.String(id)), new("output", Value.Number(42))]),
        Dependencies = ["a.b", "c[0]"],
        DeposedKey = deposedKey,
        Status = deposedKey is null ? ResourceStatus.Ready : ResourceStatus.Deposed,
    };

    protected static JournalIntent Intent(string operationId, string address = "web", string stack = "app", DateTimeOffset? at = null) => new()
    {
        OperationId = operationId,
        Stack = stack,
        Address = address,
        Type = "sim.resource",
        Provider = "sim",
        Action = JournalAction.Create,
        Inputs = Value.Map([new("password", Value.String("hunter2").AsSensitive()), new("size", Value.Number(3))]),
        Dependencies = ["db"],
        ApplyId = "apply-1",
        At = at ?? new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public async Task Load_StackNeverWritten_IsEmptyAtSerialZero()
    {
        await using var store = await CreateStoreAsync();
        var state = await store.LoadAsync("nothing", Token);
        Assert.Equal("nothing", state.Stack);
        Assert.Equal(0, state.Serial);
        Assert.Empty(state.Resources);
        Assert.Equal(Value.EmptyMap, state.Outputs);
    }

    [Fact]
    public async Task Commit_ResourcesAndOutputs_RoundTripExactly()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        var secretInputs = Value.Map(
        [
            new("password", Value.String("p@ss").AsSensitive()),
            new("$sensitive", Value.String("not a marker")),
            new("nested", Value.Map([new("list", Value.List(Value.Number(1e300), Value.Number(0.1), Value.Null, Value.True))]).AsSensitive()),
        ]);
        var web = Resource("web", "i-1", secretInputs) with { Status = ResourceStatus.Tainted };
        var old = Resource("web", "i-0", deposedKey: "d1");
        var outputs = Value.Map([new("url", Value.String("https://x")), new("token", Value.String("t").AsSensitive())]);

        var serial = await store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [web, old], Outputs = outputs }, Token);

        var state = await store.LoadAsync("app", Token);
        Assert.Equal(1, serial);
        Assert.Equal(1, state.Serial);
        Assert.Equal(["web", "web#d1"], state.Resources.Keys);
        ValueAssert.Identical(web, state.Resources["web"]);
        ValueAssert.Identical(old, state.Resources["web#d1"]);
        ValueAssert.Identical(outputs, state.Outputs);
    }

    [Fact]
    public async Task Commit_RandomValues_RoundTripExactly()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        var count = 0;
        await Gen.Select(ValueGenerators.Map, ValueGenerators.Map).SampleAsync(
            async (inputs, attributes) =>
            {
                var address = $"r[{count++}]";
                var resource = Resource(address) with { Inputs = inputs, Attributes = attributes };
                await store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [resource], Outputs = attributes }, Token);
                var state = await store.LoadAsync("app", Token);
                ValueAssert.Identical(resource, state.Resources[address]);
                ValueAssert.Identical(attributes, state.Outputs);
            },
            iter: 150,
            threads: 1);
    }

    [Fact]
    public async Task Commit_UnknownValue_IsRefusedAndWritesNothing()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        var resource = Resource("web") with { Attributes = Value.Map([new("id", Value.UnknownAny)]) };
        await Assert.ThrowsAnyAsync<Exception>(() => store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [resource] }, Token));
        Assert.Equal(0, (await store.LoadAsync("app", Token)).Serial);
    }

    [Fact]
    public async Task Commit_SerialIncreasesOnlyWhenStateChanges()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        var token = held.FencingToken;
        var stateEvent = new StateEvent { Stack = "app", Kind = "apply.started", Message = "go", At = DateTimeOffset.UnixEpoch };

        Assert.Equal(0, await store.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Intents = [Intent("op1")] }, Token));
        Assert.Equal(0, await store.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Events = [stateEvent] }, Token));
        Assert.Equal(1, await store.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Results = [new("op1", JournalOutcome.Succeeded)], Upserts = [Resource("web")] }, Token));
        Assert.Equal(1, await store.CommitAsync(new StateChange { Stack = "app", FencingToken = token }, Token));
        Assert.Equal(2, await store.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Outputs = Value.EmptyMap }, Token));
        Assert.Equal(3, await store.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Removals = ["web"] }, Token));
        var state = await store.LoadAsync("app", Token);
        Assert.Equal(3, state.Serial);
        Assert.Empty(state.Resources);
    }

    [Fact]
    public async Task Commit_WithoutLock_ThrowsStaleLock()
    {
        await using var store = await CreateStoreAsync();
        await Assert.ThrowsAsync<StaleLockException>(() => store.CommitAsync(new StateChange { Stack = "app", FencingToken = 1, Upserts = [Resource("web")] }, Token));
        Assert.Empty(await store.ListStacksAsync(Token));
    }

    [Fact]
    public async Task Commit_OldTokenAfterForceUnlock_ThrowsAndWritesNothing()
    {
        await using var store = await CreateStoreAsync();
        var stale = await LockAsync(store, owner: "alice");
        await store.CommitAsync(new StateChange { Stack = "app", FencingToken = stale.FencingToken, Upserts = [Resource("a")] }, Token);
        Assert.True(await store.ForceUnlockAsync("app", stale.LockId, Token));
        var fresh = await LockAsync(store, owner: "bob");

        await Assert.ThrowsAsync<StaleLockException>(() => store.CommitAsync(
            new StateChange { Stack = "app", FencingToken = stale.FencingToken, Intents = [Intent("op")], Upserts = [Resource("b")], Events = [new StateEvent { Stack = "app", Kind = "x", Message = "x", At = DateTimeOffset.UnixEpoch }] },
            Token));
        await Assert.ThrowsAsync<StaleLockException>(() => store.RenewLockAsync(stale, Lease, Token));

        var state = await store.LoadAsync("app", Token);
        Assert.Equal(1, state.Serial);
        Assert.Equal(["a"], state.Resources.Keys);
        Assert.Empty(await store.PendingIntentsAsync("app", Token));
        Assert.Empty(await store.ReadEventsAsync("app", 0, 10, Token));
        Assert.Equal(fresh, await store.GetLockAsync("app", Token));
    }

    [Fact]
    public async Task Commit_AfterLeaseExpired_ThrowsAndWritesNothing()
    {
        var clock = NewClock();
        await using var store = await CreateStoreAsync(clock);
        var held = await LockAsync(store);
        clock.Advance(Lease + TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<StaleLockException>(() => store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [Resource("a")] }, Token));
        await Assert.ThrowsAsync<StaleLockException>(() => store.RenewLockAsync(held, Lease, Token));
        await Assert.ThrowsAsync<StaleLockException>(() => store.StartApplyAsync(Apply("x", clock.GetUtcNow()), held.FencingToken, Token));
        Assert.Equal(0, (await store.LoadAsync("app", Token)).Serial);
    }

    [Fact]
    public async Task Renew_HeldLease_ExtendsExpiryAndKeepsWritesWorking()
    {
        var clock = NewClock();
        await using var store = await CreateStoreAsync(clock);
        var held = await LockAsync(store);
        clock.Advance(TimeSpan.FromMinutes(4));
        var renewed = await store.RenewLockAsync(held, Lease, Token);
        Assert.Equal(clock.GetUtcNow() + Lease, renewed.ExpiresAt);
        Assert.Equal(held.FencingToken, renewed.FencingToken);
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, await store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [Resource("a")] }, Token));
        Assert.Equal(renewed, await store.GetLockAsync("app", Token));
    }

    [Fact]
    public async Task Acquire_WhileHeld_WaitsThenReturnsHolder()
    {
        var clock = NewClock();
        await using var store = await CreateStoreAsync(clock);
        var held = await LockAsync(store, owner: "alice");
        var waiting = store.AcquireLockAsync("app", "bob", "apply", Lease, TimeSpan.FromSeconds(3), Token);
        var advanced = TimeSpan.Zero;
        while (!waiting.IsCompleted)
        {
            Assert.True(advanced < TimeSpan.FromMinutes(1), "the wait never ended");
            clock.Advance(TimeSpan.FromMilliseconds(100));
            advanced += TimeSpan.FromMilliseconds(100);
            await Task.Delay(2, Token);
        }

        var attempt = await waiting;
        Assert.False(attempt.Acquired);
        Assert.Equal(held, attempt.Holder);
        Assert.True(advanced >= TimeSpan.FromSeconds(3), $"gave up after {advanced}");
    }

    [Fact]
    public async Task Acquire_HolderReleasesDuringWait_Granted()
    {
        var clock = NewClock();
        await using var store = await CreateStoreAsync(clock);
        var held = await LockAsync(store, owner: "alice");
        var waiting = store.AcquireLockAsync("app", "bob", "apply", Lease, TimeSpan.FromMinutes(1), Token);
        clock.Advance(TimeSpan.FromMilliseconds(150));
        await store.ReleaseLockAsync(held, Token);
        while (!waiting.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2, Token);
        }

        var attempt = await waiting;
        Assert.True(attempt.Acquired);
        Assert.Equal("bob", attempt.Lock!.Owner);
        Assert.True(attempt.Lock.FencingToken > held.FencingToken);
    }

    [Fact]
    public async Task Acquire_ExpiredLease_CountsAsFree()
    {
        var clock = NewClock();
        await using var store = await CreateStoreAsync(clock);
        var first = await LockAsync(store, owner: "alice");
        clock.Advance(Lease);
        var second = await LockAsync(store, owner: "bob");
        Assert.True(second.FencingToken > first.FencingToken);
        Assert.Equal(clock.GetUtcNow(), second.AcquiredAt);
        Assert.Equal(clock.GetUtcNow() + Lease, second.ExpiresAt);
    }

    [Fact]
    public async Task Acquire_Cancelled_Throws()
    {
        var clock = NewClock();
        await using var store = await CreateStoreAsync(clock);
        await LockAsync(store);
        using var cancel = new CancellationTokenSource();
        var waiting = store.AcquireLockAsync("app", "bob", "apply", Lease, TimeSpan.FromHours(1), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task FencingTokens_StrictlyIncreaseAcrossAcquireReleaseCycles()
    {
        await using var store = await CreateStoreAsync();
        var last = 0L;
        for (var i = 0; i < 10; i++)
        {
            var held = await LockAsync(store);
            Assert.True(held.FencingToken > last);
            last = held.FencingToken;
            if (i % 2 == 0)
            {
                await store.ReleaseLockAsync(held, Token);
            }
            else
            {
                Assert.True(await store.ForceUnlockAsync("app", held.LockId, Token));
            }

            Assert.Null(await store.GetLockAsync("app", Token));
        }

        await using var reopened = await CreateStoreAsync();
        Assert.True((await LockAsync(reopened)).FencingToken > last);
    }

    [Fact]
    public async Task Locks_AreIndependentPerStack()
    {
        await using var store = await CreateStoreAsync();
        var app = await LockAsync(store, "app");
        var other = await LockAsync(store, "other");
        Assert.NotEqual(app.LockId, other.LockId);
        await Assert.ThrowsAsync<StaleLockException>(() => store.CommitAsync(new StateChange { Stack = "other", FencingToken = app.FencingToken + 100, Upserts = [Resource("a")] }, Token));
    }

    [Fact]
    public async Task ForceUnlock_WrongId_ReturnsFalseAndKeepsLock()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        Assert.False(await store.ForceUnlockAsync("app", "not-the-id", Token));
        Assert.Equal(held, await store.GetLockAsync("app", Token));
    }

    [Fact]
    public async Task Release_LeaseAlreadyLost_DoesNothing()
    {
        await using var store = await CreateStoreAsync();
        var stale = await LockAsync(store, owner: "alice");
        await store.ForceUnlockAsync("app", stale.LockId, Token);
        var fresh = await LockAsync(store, owner: "bob");
        await store.ReleaseLockAsync(stale, Token);
        Assert.Equal(fresh, await store.GetLockAsync("app", Token));
    }

    [Fact]
    public async Task Acquire_FromSecondStoreOnSameState_SeesHolder()
    {
        await using var first = await CreateStoreAsync();
        await using var second = await CreateStoreAsync();
        var held = await LockAsync(first, owner: "alice");
        var attempt = await second.AcquireLockAsync("app", "bob", "apply", Lease, TimeSpan.Zero, Token);
        Assert.False(attempt.Acquired);
        Assert.Equal(held, attempt.Holder);
    }

    [Fact]
    public async Task PendingIntents_AppearAfterIntentCommitAndLeaveWithResult()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        var t0 = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var later = Intent("op-b", "b", at: t0.AddSeconds(1));
        var earlier = Intent("op-a", "a", at: t0) with { Action = JournalAction.Update, ResourceId = "i-9", DeposedKey = "d2" };
        await store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Intents = [later, earlier] }, Token);

        var pending = await store.PendingIntentsAsync("app", Token);
        Assert.Equal(["op-a", "op-b"], pending.Select(p => p.OperationId));
        Assert.Equal(earlier with { Inputs = pending[0].Inputs, Dependencies = pending[0].Dependencies }, pending[0]);
        ValueAssert.Identical(earlier.Inputs, pending[0].Inputs);
        Assert.Equal(earlier.Dependencies.AsEnumerable(), pending[0].Dependencies.AsEnumerable());

        await store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Results = [new("op-a", JournalOutcome.Succeeded)], Upserts = [Resource("a")] }, Token);
        Assert.Equal(["op-b"], (await store.PendingIntentsAsync("app", Token)).Select(p => p.OperationId));
        await store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Results = [new("op-b", JournalOutcome.Failed, "boom")] }, Token);
        Assert.Empty(await store.PendingIntentsAsync("app", Token));
        Assert.Empty(await store.PendingIntentsAsync("other", Token));
    }

    [Fact]
    public async Task Commit_IntentAndResultTogether_LeavesNothingPending()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        await store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Intents = [Intent("op")], Results = [new("op", JournalOutcome.Recovered)] }, Token);
        Assert.Empty(await store.PendingIntentsAsync("app", Token));
    }

    [Fact]
    public async Task Commit_ResultForUnknownOperation_ThrowsAndWritesNothing()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        await Assert.ThrowsAnyAsync<Exception>(() => store.CommitAsync(
            new StateChange { Stack = "app", FencingToken = held.FencingToken, Results = [new("nope", JournalOutcome.Succeeded)], Upserts = [Resource("a")] },
            Token));
        Assert.Equal(0, (await store.LoadAsync("app", Token)).Serial);
    }

    [Fact]
    public async Task Events_AreAppendOnlyWithIncreasingIdsAndPaged()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        for (var batch = 0; batch < 5; batch++)
        {
            var events = Enumerable.Range(0, 5).Select(i => new StateEvent
            {
                Stack = "app",
                Kind = "resource.created",
                Address = i % 2 == 0 ? $"r[{(batch * 5) + i}]" : null,
                Message = $"event {(batch * 5) + i}",
                Data = Value.Map([new("n", Value.Number((batch * 5) + i)), new("secret", Value.String("s").AsSensitive())]),
                At = DateTimeOffset.UnixEpoch.AddSeconds((batch * 5) + i),
            }).ToImmutableArray();
            await store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Events = events }, Token);
        }

        var other = await LockAsync(store, "other");
        await store.CommitAsync(new StateChange { Stack = "other", FencingToken = other.FencingToken, Events = [new StateEvent { Stack = "other", Kind = "x", Message = "other", At = DateTimeOffset.UnixEpoch }] }, Token);

        var all = new List<StateEvent>();
        var after = 0L;
        while (true)
        {
            var page = await store.ReadEventsAsync("app", after, 7, Token);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 7);
            all.AddRange(page);
            after = page[^1].Id;
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"event {i}"), all.Select(e => e.Message));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Id < p.Second.Id));
        Assert.Equal("r[0]", all[0].Address);
        Assert.Null(all[1].Address);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(3), all[3].At);
        ValueAssert.Identical(Value.Map([new("n", Value.Number(3)), new("secret", Value.String("s").AsSensitive())]), all[3].Data);
        Assert.Equal(10, (await store.ReadEventsAsync("app", all[14].Id, 100, Token)).Count);
    }

    protected static ApplyRecord Apply(string id, DateTimeOffset at) => new()
    {
        Id = id,
        Stack = "app",
        Kind = ApplyKind.Apply,
        Owner = "alice@host:1",
        StartedAt = at,
        SerialBefore = 0,
    };

    [Fact]
    public async Task Applies_StartedAndFinished_ListedNewestFirst()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        var t0 = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var first = Apply("a1", t0);
        await store.StartApplyAsync(first, held.FencingToken, Token);
        var finished = first with { FinishedAt = t0.AddSeconds(10), Status = ApplyStatus.Succeeded, SerialAfter = 3, Summary = "3 created" };
        await store.FinishApplyAsync(finished, held.FencingToken, Token);
        var second = Apply("a2", t0.AddMinutes(1)) with { Kind = ApplyKind.Destroy, SerialBefore = 3 };
        await store.StartApplyAsync(second, held.FencingToken, Token);

        var applies = await store.ListAppliesAsync("app", 10, Token);
        Assert.Equal([second, finished], applies);
        Assert.Equal([second], await store.ListAppliesAsync("app", 1, Token));
        Assert.Empty(await store.ListAppliesAsync("other", 10, Token));
        await Assert.ThrowsAsync<StaleLockException>(() => store.StartApplyAsync(Apply("a3", t0), held.FencingToken + 1, Token));
    }

    [Fact]
    public async Task Replace_SwapsResourcesAndOutputsAndBumpsSerial()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        await store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [Resource("a"), Resource("b")], Outputs = Value.Map([new("x", Value.True)]) }, Token);
        var replacement = StackState.Empty("app") with
        {
            Resources = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("c", Resource("c")), KeyValuePair.Create("a#d", Resource("a", deposedKey: "d"))]),
            Outputs = Value.Map([new("y", Value.String("secret").AsSensitive())]),
        };

        var serial = await store.ReplaceAsync(replacement, held.FencingToken, Token);

        var state = await store.LoadAsync("app", Token);
        Assert.Equal(2, serial);
        Assert.Equal(2, state.Serial);
        Assert.Equal(["a#d", "c"], state.Resources.Keys);
        ValueAssert.Identical(replacement.Outputs, state.Outputs);
        await Assert.ThrowsAsync<StaleLockException>(() => store.ReplaceAsync(StackState.Empty("app"), held.FencingToken - 1, Token));
        Assert.Equal(2, (await store.LoadAsync("app", Token)).Resources.Count);
    }

    [Fact]
    public async Task ListStacks_NamesStacksWithState()
    {
        await using var store = await CreateStoreAsync();
        foreach (var stack in new[] { "zeta", "alpha" })
        {
            var held = await LockAsync(store, stack);
            await store.CommitAsync(new StateChange { Stack = stack, FencingToken = held.FencingToken, Upserts = [Resource("a")] }, Token);
        }

        Assert.Equal(["alpha", "zeta"], await store.ListStacksAsync(Token));
    }

    [Fact]
    public async Task Commit_ManyConcurrentWritersUnderOneLock_LoseNothing()
    {
        await using var store = await CreateStoreAsync();
        var held = await LockAsync(store);
        const int Writers = 8;
        const int CommitsEach = 25;
        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(
            async () =>
            {
                for (var i = 0; i < CommitsEach; i++)
                {
                    var address = $"w{w}[{i}]";
                    await store.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Intents = [Intent($"op-{address}", address)] }, Token);
                    await store.CommitAsync(
                        new StateChange { Stack = "app", FencingToken = held.FencingToken, Results = [new($"op-{address}", JournalOutcome.Succeeded)], Upserts = [Resource(address)] },
                        Token);
                    _ = await store.LoadAsync("app", Token);
                }
            },
            Token));
        await Task.WhenAll(tasks);

        var state = await store.LoadAsync("app", Token);
        Assert.Equal(Writers * CommitsEach, state.Resources.Count);
        Assert.Equal(Writers * CommitsEach, state.Serial);
        Assert.Empty(await store.PendingIntentsAsync("app", Token));
    }

    [Fact]
    public async Task Reopen_AfterDispose_SeesEverything()
    {
        long token;
        var resource = Resource("web", inputs: Value.Map([new("pw", Value.String("x").AsSensitive())]));
        await using (var store = await CreateStoreAsync())
        {
            var held = await LockAsync(store);
            token = held.FencingToken;
            await store.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Intents = [Intent("op1"), Intent("op2")], Results = [new("op1", JournalOutcome.Succeeded)], Upserts = [resource] }, Token);
            await store.StartApplyAsync(Apply("a1", DateTimeOffset.UnixEpoch), token, Token);
        }

        await using var reopened = await CreateStoreAsync();
        var state = await reopened.LoadAsync("app", Token);
        Assert.Equal(1, state.Serial);
        ValueAssert.Identical(resource, state.Resources["web"]);
        Assert.Equal(["op2"], (await reopened.PendingIntentsAsync("app", Token)).Select(i => i.OperationId));
        Assert.Single(await reopened.ListAppliesAsync("app", 5, Token));
        Assert.Equal(token, (await reopened.GetLockAsync("app", Token))!.FencingToken);
    }
}
