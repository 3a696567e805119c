using System.Collections.Immutable;
using Baton.Values;
using CsCheck;

namespace Baton.State.Tests.Contract;

/// <summary>What every <see cref="IStateStore"/> must do about its state and journal: loads, fenced commits and replacements, pending intents and stack names.</summary>
public abstract class StateStoreContract : StoreContract
{
    [Fact]
    public async Task Load_StackNeverWritten_IsEmptyAtSerialZero()
    {
        await using var stores = await CreateStoresAsync();
        var state = await stores.State.LoadAsync("nothing", Token);
        Assert.Equal("nothing", state.Stack);
        Assert.Equal(0, state.Serial);
        Assert.Empty(state.Resources);
        Assert.Equal(Value.EmptyMap, state.Outputs);
    }

    [Fact]
    public async Task Commit_ResourcesAndOutputs_RoundTripExactly()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        var secretInputs = Value.Map(
        [
            new("password", Value.String("p@ss").AsSensitive()),
            new("$sensitive", Value.String("not a marker")),
            new("nested", Value.Map([new("list", Value.List(Value.Number(1e300), Value.Number(0.1), Value.Null, Value.True))]).AsSensitive()),
        ]);
        var web = Resource("web", "i-1", secretInputs) with { Status = ResourceStatus.Tainted };
        var old = Resource("web", "i-0", deposedKey: "d1");
        var outputs = Value.Map([new("url", Value.String("https://x")), new("token", Value.String("t").AsSensitive())]);

        var serial = await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [web, old], Outputs = outputs }, Token);

        var state = await stores.State.LoadAsync("app", Token);
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
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        var count = 0;
        await Gen.Select(ValueGenerators.Map, ValueGenerators.Map).SampleAsync(
            async (inputs, attributes) =>
            {
                var address = $"r[{count++}]";
                var resource = Resource(address) with { Inputs = inputs, Attributes = attributes };
                await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [resource], Outputs = attributes }, Token);
                var state = await stores.State.LoadAsync("app", Token);
                ValueAssert.Identical(resource, state.Resources[address]);
                ValueAssert.Identical(attributes, state.Outputs);
            },
            iter: 150,
            threads: 1);
    }

    [Fact]
    public async Task Commit_UnknownValue_IsRefusedAndWritesNothing()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        var resource = Resource("web") with { Attributes = Value.Map([new("id", Value.UnknownAny)]) };
        await Assert.ThrowsAnyAsync<Exception>(() => stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [resource] }, Token));
        Assert.Equal(0, (await stores.State.LoadAsync("app", Token)).Serial);
    }

    [Fact]
    public async Task Commit_SerialIncreasesOnlyWhenStateChanges()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        var token = held.FencingToken;
        var stateEvent = new StackEvent { Stack = "app", Kind = "apply.started", Message = "go", At = DateTimeOffset.UnixEpoch };

        Assert.Equal(0, await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Intents = [Intent("op1")] }, Token));
        Assert.Equal(0, await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Events = [stateEvent] }, Token));
        Assert.Equal(1, await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Results = [new("op1", JournalOutcome.Succeeded)], Upserts = [Resource("web")] }, Token));
        Assert.Equal(1, await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = token }, Token));
        Assert.Equal(2, await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Outputs = Value.EmptyMap }, Token));
        Assert.Equal(3, await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Removals = ["web"] }, Token));
        var state = await stores.State.LoadAsync("app", Token);
        Assert.Equal(3, state.Serial);
        Assert.Empty(state.Resources);
    }

    [Fact]
    public async Task Commit_WithoutLock_ThrowsStaleLock()
    {
        await using var stores = await CreateStoresAsync();
        await Assert.ThrowsAsync<StaleLockException>(() => stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = 1, Upserts = [Resource("web")] }, Token));
        Assert.Empty(await stores.State.ListStacksAsync(Token));
    }

    [Fact]
    public async Task Commit_OldTokenAfterForceUnlock_ThrowsAndWritesNothing()
    {
        await using var stores = await CreateStoresAsync();
        var stale = await LockAsync(stores.Locks, owner: "alice");
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = stale.FencingToken, Upserts = [Resource("a")] }, Token);
        Assert.True(await stores.Locks.ForceUnlockAsync("app", stale.LockId, Token));
        var fresh = await LockAsync(stores.Locks, owner: "bob");

        await Assert.ThrowsAsync<StaleLockException>(() => stores.State.CommitAsync(
            new StateChange { Stack = "app", FencingToken = stale.FencingToken, Intents = [Intent("op")], Upserts = [Resource("b")], Events = [new StackEvent { Stack = "app", Kind = "x", Message = "x", At = DateTimeOffset.UnixEpoch }] },
            Token));
        await Assert.ThrowsAsync<StaleLockException>(() => stores.Locks.RenewLockAsync(stale, Lease, Token));

        var state = await stores.State.LoadAsync("app", Token);
        Assert.Equal(1, state.Serial);
        Assert.Equal(["a"], state.Resources.Keys);
        Assert.Empty(await stores.State.PendingIntentsAsync("app", Token));
        Assert.Empty(await stores.Events.ReadEventsAsync("app", 0, 10, Token));
        Assert.Equal(fresh, await stores.Locks.GetLockAsync("app", Token));
    }

    [Fact]
    public async Task Commit_AfterLeaseExpired_ThrowsAndWritesNothing()
    {
        var clock = NewClock();
        await using var stores = await CreateStoresAsync(clock);
        var held = await LockAsync(stores.Locks);
        clock.Advance(Lease + TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<StaleLockException>(() => stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [Resource("a")] }, Token));
        await Assert.ThrowsAsync<StaleLockException>(() => stores.Locks.RenewLockAsync(held, Lease, Token));
        await Assert.ThrowsAsync<StaleLockException>(() => stores.Applies.StartApplyAsync(Apply("x", clock.GetUtcNow()), held.FencingToken, Token));
        Assert.Equal(0, (await stores.State.LoadAsync("app", Token)).Serial);
    }

    [Fact]
    public async Task PendingIntents_AppearAfterIntentCommitAndLeaveWithResult()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        var t0 = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var later = Intent("op-b", "b", at: t0.AddSeconds(1));
        var earlier = Intent("op-a", "a", at: t0) with { Action = JournalAction.Update, ResourceId = "i-9", DeposedKey = "d2" };
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Intents = [later, earlier] }, Token);

        var pending = await stores.State.PendingIntentsAsync("app", Token);
        Assert.Equal(["op-a", "op-b"], pending.Select(p => p.OperationId));
        Assert.Equal(earlier with { Inputs = pending[0].Inputs, Dependencies = pending[0].Dependencies }, pending[0]);
        ValueAssert.Identical(earlier.Inputs, pending[0].Inputs);
        Assert.Equal(earlier.Dependencies.AsEnumerable(), pending[0].Dependencies.AsEnumerable());

        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Results = [new("op-a", JournalOutcome.Succeeded)], Upserts = [Resource("a")] }, Token);
        Assert.Equal(["op-b"], (await stores.State.PendingIntentsAsync("app", Token)).Select(p => p.OperationId));
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Results = [new("op-b", JournalOutcome.Failed, "boom")] }, Token);
        Assert.Empty(await stores.State.PendingIntentsAsync("app", Token));
        Assert.Empty(await stores.State.PendingIntentsAsync("other", Token));
    }

    [Fact]
    public async Task Commit_IntentAndResultTogether_LeavesNothingPending()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Intents = [Intent("op")], Results = [new("op", JournalOutcome.Recovered)] }, Token);
        Assert.Empty(await stores.State.PendingIntentsAsync("app", Token));
    }

    [Fact]
    public async Task Commit_ResultForUnknownOperation_ThrowsAndWritesNothing()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        await Assert.ThrowsAnyAsync<Exception>(() => stores.State.CommitAsync(
            new StateChange { Stack = "app", FencingToken = held.FencingToken, Results = [new("nope", JournalOutcome.Succeeded)], Upserts = [Resource("a")] },
            Token));
        Assert.Equal(0, (await stores.State.LoadAsync("app", Token)).Serial);
    }

    [Fact]
    public async Task Replace_SwapsResourcesAndOutputsAndBumpsSerial()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [Resource("a"), Resource("b")], Outputs = Value.Map([new("x", Value.True)]) }, Token);
        var replacement = StackState.Empty("app") with
        {
            Resources = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("c", Resource("c")), KeyValuePair.Create("a#d", Resource("a", deposedKey: "d"))]),
            Outputs = Value.Map([new("y", Value.String("secret").AsSensitive())]),
        };

        var serial = await stores.State.ReplaceAsync(replacement, held.FencingToken, Token);

        var state = await stores.State.LoadAsync("app", Token);
        Assert.Equal(2, serial);
        Assert.Equal(2, state.Serial);
        Assert.Equal(["a#d", "c"], state.Resources.Keys);
        ValueAssert.Identical(replacement.Outputs, state.Outputs);
        await Assert.ThrowsAsync<StaleLockException>(() => stores.State.ReplaceAsync(StackState.Empty("app"), held.FencingToken - 1, Token));
        Assert.Equal(2, (await stores.State.LoadAsync("app", Token)).Resources.Count);
    }

    [Fact]
    public async Task ListStacks_NamesStacksWithState()
    {
        await using var stores = await CreateStoresAsync();
        foreach (var stack in new[] { "zeta", "alpha" })
        {
            var held = await LockAsync(stores.Locks, stack);
            await stores.State.CommitAsync(new StateChange { Stack = stack, FencingToken = held.FencingToken, Upserts = [Resource("a")] }, Token);
        }

        Assert.Equal(["alpha", "zeta"], await stores.State.ListStacksAsync(Token));
    }

    [Fact]
    public async Task Commit_ManyConcurrentWritersUnderOneLock_LoseNothing()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        const int Writers = 8;
        const int CommitsEach = 25;
        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(
            async () =>
            {
                for (var i = 0; i < CommitsEach; i++)
                {
                    var address = $"w{w}[{i}]";
                    await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Intents = [Intent($"op-{address}", address)] }, Token);
                    await stores.State.CommitAsync(
                        new StateChange { Stack = "app", FencingToken = held.FencingToken, Results = [new($"op-{address}", JournalOutcome.Succeeded)], Upserts = [Resource(address)] },
                        Token);
                    _ = await stores.State.LoadAsync("app", Token);
                }
            },
            Token));
        await Task.WhenAll(tasks);

        var state = await stores.State.LoadAsync("app", Token);
        Assert.Equal(Writers * CommitsEach, state.Resources.Count);
        Assert.Equal(Writers * CommitsEach, state.Serial);
        Assert.Empty(await stores.State.PendingIntentsAsync("app", Token));
    }

    [Fact]
    public async Task Reopen_AfterDispose_SeesEverything()
    {
        long token;
        var resource = Resource("web", inputs: Value.Map([new("pw", Value.String("x").AsSensitive())]));
        await using (var stores = await CreateStoresAsync())
        {
            var held = await LockAsync(stores.Locks);
            token = held.FencingToken;
            await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = token, Intents = [Intent("op1"), Intent("op2")], Results = [new("op1", JournalOutcome.Succeeded)], Upserts = [resource] }, Token);
            await stores.Applies.StartApplyAsync(Apply("a1", DateTimeOffset.UnixEpoch), token, Token);
        }

        await using var reopened = await CreateStoresAsync();
        var state = await reopened.State.LoadAsync("app", Token);
        Assert.Equal(1, state.Serial);
        ValueAssert.Identical(resource, state.Resources["web"]);
        Assert.Equal(["op2"], (await reopened.State.PendingIntentsAsync("app", Token)).Select(i => i.OperationId));
        Assert.Single(await reopened.Applies.ListAppliesAsync("app", 5, Token));
        Assert.Equal(token, (await reopened.Locks.GetLockAsync("app", Token))!.FencingToken);
    }
    private static PendingNotification Notification(string target, string verb, string source, int second) => new()
    {
        Target = target,
        Verb = verb,
        Source = source,
        Timing = "delayed",
        QueuedAt = new DateTimeOffset(2025, 6, 1, 12, 0, second, TimeSpan.Zero),
    };

    [Fact]
    public async Task Notify_QueuedWithAnIntent_IsPendingUntilNotifiedOncePerTargetAndVerb()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        var restart = Notification("svc[\"web1\"]", "restart", "conf[\"web1\"]", 1);
        var reload = Notification("svc[\"web1\"]", "reload", "conf[\"web1\"]", 2);

        var serial = await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Intents = [Intent("op1", "conf[\"web1\"]")], Notify = [restart, reload] }, Token);
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Notify = [restart with { Source = "site[\"web1\"]", QueuedAt = restart.QueuedAt.AddMinutes(1) }] }, Token);

        var state = await stores.State.LoadAsync("app", Token);
        Assert.Equal(0, serial);
        Assert.Equal(0, state.Serial);
        Assert.Equal([restart, reload], state.Notifications.AsEnumerable());

        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Notified = [restart with { Source = "anything" }] }, Token);
        Assert.Equal([reload], (await stores.State.LoadAsync("app", Token)).Notifications.AsEnumerable());
    }

    [Fact]
    public async Task Notify_WithAStaleFencingToken_IsRefusedAndQueuesNothing()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        await Assert.ThrowsAsync<StaleLockException>(() => stores.State.CommitAsync(
            new StateChange { Stack = "app", FencingToken = held.FencingToken - 1, Notify = [Notification("svc", "restart", "conf", 1)] }, Token));
        Assert.Empty((await stores.State.LoadAsync("app", Token)).Notifications);
    }

    [Fact]
    public async Task Replace_WritesThePendingNotificationsOfTheReplacement()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Notify = [Notification("old", "restart", "conf", 1)] }, Token);
        var kept = Notification("svc", "reload", "conf", 2);

        await stores.State.ReplaceAsync(StackState.Empty("app") with { Notifications = [kept] }, held.FencingToken, Token);

        Assert.Equal([kept], (await stores.State.LoadAsync("app", Token)).Notifications.AsEnumerable());
    }

    private static HostFactsRecord Facts(string host, string family, int second) => new()
    {
        Host = host,
        Facts = Value.Map([new("os", Value.Map([new("family", Value.String(family))])), new("cpus", Value.Number(2)), new("addresses", Value.List([Value.String("10.0.0.5")]))]),
        GatheredAt = new DateTimeOffset(2026, 12, 7, 12, 0, second, TimeSpan.Zero),
    };

    [Fact]
    public async Task Facts_CommittedPerHost_ReplaceTheHostsEarlierFactsAndLeaveTheSerial()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        var web1 = Facts("web1", "debian", 1);
        var web2 = Facts("127.0.0.1:2202", "debian", 2);
        var serial = await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Facts = [web1, web2] }, Token);
        var later = Facts("web1", "rhel", 3);
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Facts = [later] }, Token);

        var state = await stores.State.LoadAsync("app", Token);
        Assert.Equal(0, serial);
        Assert.Equal(0, state.Serial);
        Assert.Equal(["127.0.0.1:2202", "web1"], state.Facts.Keys);
        Assert.Equal(web2.GatheredAt, state.Facts["127.0.0.1:2202"].GatheredAt);
        Assert.Equal(later.Facts, state.Facts["web1"].Facts);
        Assert.Equal(later.GatheredAt, state.Facts["web1"].GatheredAt);
    }

    [Fact]
    public async Task Facts_WithAStaleFencingToken_AreRefused_AndReplaceWritesTheReplacementsFacts()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        await Assert.ThrowsAsync<StaleLockException>(() => stores.State.CommitAsync(
            new StateChange { Stack = "app", FencingToken = held.FencingToken - 1, Facts = [Facts("web1", "debian", 1)] }, Token));
        Assert.Empty((await stores.State.LoadAsync("app", Token)).Facts);

        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Facts = [Facts("old", "debian", 1)] }, Token);
        var kept = Facts("web2", "alpine", 2);
        await stores.State.ReplaceAsync(StackState.Empty("app") with { Facts = StackState.Empty("app").Facts.Add("web2", kept) }, held.FencingToken, Token);
        var state = await stores.State.LoadAsync("app", Token);
        Assert.Equal(["web2"], state.Facts.Keys);
        Assert.Equal(kept.Facts, state.Facts["web2"].Facts);
    }
}
