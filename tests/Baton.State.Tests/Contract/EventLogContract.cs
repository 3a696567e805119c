using System.Collections.Immutable;
using Baton.Values;

namespace Baton.State.Tests.Contract;

/// <summary>What every <see cref="IEventLog"/> must do about its event log: append-only, ids increasing, read in pages, written only with the change they describe.</summary>
public abstract class EventLogContract : StoreContract
{
    [Fact]
    public async Task Events_AreAppendOnlyWithIncreasingIdsAndPaged()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        for (var batch = 0; batch < 5; batch++)
        {
            var events = Enumerable.Range(0, 5).Select(i => new StackEvent
            {
                Stack = "app",
                Kind = "resource.created",
                Address = i % 2 == 0 ? $"r[{(batch * 5) + i}]" : null,
                Message = $"event {(batch * 5) + i}",
                Data = Value.Map([new("n", Value.Number((batch * 5) + i)), new("secret", Value.String("s").AsSensitive())]),
                At = DateTimeOffset.UnixEpoch.AddSeconds((batch * 5) + i),
            }).ToImmutableArray();
            await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Events = events }, Token);
        }

        var other = await LockAsync(stores.Locks, "other");
        await stores.State.CommitAsync(new StateChange { Stack = "other", FencingToken = other.FencingToken, Events = [new StackEvent { Stack = "other", Kind = "x", Message = "other", At = DateTimeOffset.UnixEpoch }] }, Token);

        var all = new List<StackEvent>();
        var after = 0L;
        while (true)
        {
            var page = await stores.Events.ReadEventsAsync("app", after, 7, Token);
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
        Assert.Equal(10, (await stores.Events.ReadEventsAsync("app", all[14].Id, 100, Token)).Count);
    }

    [Fact]
    public async Task ControlNotices_AreAppendedWithoutALock_AndReadInOrderBesideChanges()
    {
        await using var stores = await CreateStoresAsync();
        var first = await stores.Events.AppendAsync(Notice("never-applied", "stack.invalid", "1 error"), Token);
        var held = await LockAsync(stores.Locks, "never-applied");
        await stores.State.CommitAsync(new StateChange { Stack = "never-applied", FencingToken = held.FencingToken, Events = [new StackEvent { Stack = "never-applied", Kind = "apply.started", Message = "apply", At = DateTimeOffset.UnixEpoch }] }, Token);
        await stores.Locks.ReleaseLockAsync(held, Token);
        var last = await stores.Events.AppendAsync(Notice("never-applied", "drift.detected", "web drifted", "web") with { Data = Value.Map([new("pw", Value.String("p").AsSensitive())]) }, Token);

        var read = await stores.Events.ReadEventsAsync("never-applied", 0, 10, Token);
        Assert.Equal(["stack.invalid", "apply.started", "drift.detected"], read.Select(e => e.Kind));
        Assert.Equal([EventSources.Control, EventSources.State, EventSources.Control], read.Select(e => e.Source));
        Assert.Equal([first, last], [read[0].Id, read[2].Id]);
        Assert.Equal("web", read[2].Address);
        ValueAssert.Identical(Value.Map([new("pw", Value.String("p").AsSensitive())]), read[2].Data);
        Assert.Empty(await stores.Events.ReadEventsAsync("never-applied", last, 10, Token));
    }

    [Fact]
    public async Task Append_AStateEvent_IsRefused_AndStoresNothing()
    {
        await using var stores = await CreateStoresAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => stores.Events.AppendAsync(Notice("app", "resource.created", "r") with { Source = EventSources.State }, Token));
        Assert.Empty(await stores.Events.ReadEventsAsync("app", 0, 10, Token));
    }

    private static StackEvent Notice(string stack, string kind, string message, string? address = null) =>
        new() { Stack = stack, Source = EventSources.Control, Kind = kind, Message = message, Address = address, At = DateTimeOffset.UnixEpoch.AddMinutes(1) };
}
