namespace Baton.State.Tests.Contract;

/// <summary>What every <see cref="IApplyHistory"/> must do about its apply history: fenced start and finish, newest first, and the operations of an apply.</summary>
public abstract class ApplyHistoryContract : StoreContract
{
    [Fact]
    public async Task Applies_StartedAndFinished_ListedNewestFirst()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        var t0 = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var first = Apply("a1", t0);
        await stores.Applies.StartApplyAsync(first, held.FencingToken, Token);
        var finished = first with { FinishedAt = t0.AddSeconds(10), Status = ApplyStatus.Succeeded, SerialAfter = 3, Summary = "3 created" };
        await stores.Applies.FinishApplyAsync(finished, held.FencingToken, Token);
        var second = Apply("a2", t0.AddMinutes(1)) with { Kind = ApplyKind.Destroy, SerialBefore = 3 };
        await stores.Applies.StartApplyAsync(second, held.FencingToken, Token);

        var applies = await stores.Applies.ListAppliesAsync("app", 10, Token);
        Assert.Equal([second, finished], applies);
        Assert.Equal([second], await stores.Applies.ListAppliesAsync("app", 1, Token));
        Assert.Empty(await stores.Applies.ListAppliesAsync("other", 10, Token));
        await Assert.ThrowsAsync<StaleLockException>(() => stores.Applies.StartApplyAsync(Apply("a3", t0), held.FencingToken + 1, Token));
    }

    [Fact]
    public async Task Operations_OfAnApply_ListedInTheOrderTheyStartedWithTheirResults()
    {
        var clock = NewClock();
        await using var stores = await CreateStoresAsync(clock);
        var held = await LockAsync(stores.Locks);
        var t0 = clock.GetUtcNow();
        await stores.State.CommitAsync(
            new StateChange { Stack = "app", FencingToken = held.FencingToken, Intents = [Intent("op-b", "web", at: t0.AddSeconds(1)), Intent("op-a", "db", at: t0), Intent("op-x", "other") with { ApplyId = "apply-2" }] },
            Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Results = [new("op-a", JournalOutcome.Failed, "boom")] }, Token);

        var operations = await stores.Applies.ListOperationsAsync("app", "apply-1", Token);
        Assert.Equal(["op-a", "op-b"], operations.Select(o => o.OperationId));
        var done = operations[0];
        Assert.Equal("db", done.Address);
        Assert.Equal("sim.resource", done.Type);
        Assert.Equal(JournalAction.Create, done.Action);
        Assert.Equal<string>(["db"], done.Dependencies);
        Assert.Equal(t0, done.StartedAt);
        Assert.Equal(clock.GetUtcNow(), done.FinishedAt);
        Assert.Equal(JournalOutcome.Failed, done.Outcome);
        Assert.Equal("boom", done.Error);
        Assert.Null(operations[1].FinishedAt);
        Assert.Null(operations[1].Outcome);
        Assert.Equal(["op-x"], (await stores.Applies.ListOperationsAsync("app", "apply-2", Token)).Select(o => o.OperationId));
        Assert.Empty(await stores.Applies.ListOperationsAsync("other", "apply-1", Token));
    }
}
