namespace Baton.State.Tests.Contract;

/// <summary>What every <see cref="ILockStore"/> must do about its stack locks: one unexpired lease per stack, waits, expiry, renewal, release and strictly increasing fencing tokens.</summary>
public abstract class LockStoreContract : StoreContract
{
    [Fact]
    public async Task Renew_HeldLease_ExtendsExpiryAndKeepsWritesWorking()
    {
        var clock = NewClock();
        await using var stores = await CreateStoresAsync(clock);
        var held = await LockAsync(stores.Locks);
        clock.Advance(TimeSpan.FromMinutes(4));
        var renewed = await stores.Locks.RenewLockAsync(held, Lease, Token);
        Assert.Equal(clock.GetUtcNow() + Lease, renewed.ExpiresAt);
        Assert.Equal(held.FencingToken, renewed.FencingToken);
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [Resource("a")] }, Token));
        Assert.Equal(renewed, await stores.Locks.GetLockAsync("app", Token));
    }

    [Fact]
    public async Task Acquire_WhileHeld_WaitsThenReturnsHolder()
    {
        var clock = NewClock();
        await using var stores = await CreateStoresAsync(clock);
        var held = await LockAsync(stores.Locks, owner: "alice");
        var waiting = stores.Locks.AcquireLockAsync("app", "bob", "apply", Lease, TimeSpan.FromSeconds(3), Token);
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
        await using var stores = await CreateStoresAsync(clock);
        var held = await LockAsync(stores.Locks, owner: "alice");
        var waiting = stores.Locks.AcquireLockAsync("app", "bob", "apply", Lease, TimeSpan.FromMinutes(1), Token);
        clock.Advance(TimeSpan.FromMilliseconds(150));
        await stores.Locks.ReleaseLockAsync(held, Token);
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
        await using var stores = await CreateStoresAsync(clock);
        var first = await LockAsync(stores.Locks, owner: "alice");
        clock.Advance(Lease);
        var second = await LockAsync(stores.Locks, owner: "bob");
        Assert.True(second.FencingToken > first.FencingToken);
        Assert.Equal(clock.GetUtcNow(), second.AcquiredAt);
        Assert.Equal(clock.GetUtcNow() + Lease, second.ExpiresAt);
    }

    [Fact]
    public async Task Acquire_Cancelled_Throws()
    {
        var clock = NewClock();
        await using var stores = await CreateStoresAsync(clock);
        await LockAsync(stores.Locks);
        using var cancel = new CancellationTokenSource();
        var waiting = stores.Locks.AcquireLockAsync("app", "bob", "apply", Lease, TimeSpan.FromHours(1), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task FencingTokens_StrictlyIncreaseAcrossAcquireReleaseCycles()
    {
        await using var stores = await CreateStoresAsync();
        var last = 0L;
        for (var i = 0; i < 10; i++)
        {
            var held = await LockAsync(stores.Locks);
            Assert.True(held.FencingToken > last);
            last = held.FencingToken;
            if (i % 2 == 0)
            {
                await stores.Locks.ReleaseLockAsync(held, Token);
            }
            else
            {
                Assert.True(await stores.Locks.ForceUnlockAsync("app", held.LockId, Token));
            }

            Assert.Null(await stores.Locks.GetLockAsync("app", Token));
        }

        await using var reopened = await CreateStoresAsync();
        Assert.True((await LockAsync(reopened.Locks)).FencingToken > last);
    }

    [Fact]
    public async Task Locks_AreIndependentPerStack()
    {
        await using var stores = await CreateStoresAsync();
        var app = await LockAsync(stores.Locks, "app");
        var other = await LockAsync(stores.Locks, "other");
        Assert.NotEqual(app.LockId, other.LockId);
        await Assert.ThrowsAsync<StaleLockException>(() => stores.State.CommitAsync(new StateChange { Stack = "other", FencingToken = app.FencingToken + 100, Upserts = [Resource("a")] }, Token));
    }

    [Fact]
    public async Task ForceUnlock_WrongId_ReturnsFalseAndKeepsLock()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        Assert.False(await stores.Locks.ForceUnlockAsync("app", "not-the-id", Token));
        Assert.Equal(held, await stores.Locks.GetLockAsync("app", Token));
    }

    [Fact]
    public async Task Release_LeaseAlreadyLost_DoesNothing()
    {
        await using var stores = await CreateStoresAsync();
        var stale = await LockAsync(stores.Locks, owner: "alice");
        await stores.Locks.ForceUnlockAsync("app", stale.LockId, Token);
        var fresh = await LockAsync(stores.Locks, owner: "bob");
        await stores.Locks.ReleaseLockAsync(stale, Token);
        Assert.Equal(fresh, await stores.Locks.GetLockAsync("app", Token));
    }

    [Fact]
    public async Task Acquire_FromSecondStoreOnSameState_SeesHolder()
    {
        await using var first = await CreateStoresAsync();
        await using var second = await CreateStoresAsync();
        var held = await LockAsync(first.Locks, owner: "alice");
        var attempt = await second.Locks.AcquireLockAsync("app", "bob", "apply", Lease, TimeSpan.Zero, Token);
        Assert.False(attempt.Acquired);
        Assert.Equal(held, attempt.Holder);
    }
}
