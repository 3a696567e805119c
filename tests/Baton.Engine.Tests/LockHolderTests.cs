using System.Diagnostics;
using Baton.Engine.Tests.Fixtures;
using Baton.State;

namespace Baton.Engine.Tests;

public sealed class LockHolderTests
{
    private const string Yaml = """
        stack: locked
        resources:
          a:
            type: sim.resource
            properties: { input: a }
        """;

    [Fact]
    public async Task LockAsync_HeldByAnotherSession_WaitsTheTimeoutThenNamesTheHolder()
    {
        using var stack = TestStack.Create(Yaml);
        await using var first = await stack.OpenAsync();
        await using var second = await stack.OpenAsync();
        var holder = await first.Session.LockAsync("apply", TimeSpan.FromSeconds(1), CancellationToken.None);
        LockUnavailableException refused;
        var clock = Stopwatch.StartNew();
        try
        {
            refused = await Assert.ThrowsAsync<LockUnavailableException>(() => second.Session.LockAsync("plan", TimeSpan.FromMilliseconds(400), CancellationToken.None));
        }
        finally
        {
            clock.Stop();
        }

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(380), $"gave up after {clock.Elapsed}");
        Assert.Equal(holder.Lock.LockId, refused.Holder!.LockId);
        Assert.Contains(holder.Lock.Owner, refused.Message, StringComparison.Ordinal);
        Assert.Contains("for apply", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"baton force-unlock {holder.Lock.LockId}", refused.Message, StringComparison.Ordinal);

        await holder.DisposeAsync();
        await using var next = await second.Session.LockAsync("plan", TimeSpan.FromMilliseconds(400), CancellationToken.None);
        Assert.NotEqual(holder.Lock.LockId, next.Lock.LockId);
        Assert.True(next.Lock.FencingToken > holder.Lock.FencingToken);
    }

    [Fact]
    public async Task LockAsync_ReleasedWhileWaiting_TakesTheLock()
    {
        using var stack = TestStack.Create(Yaml);
        await using var first = await stack.OpenAsync();
        await using var second = await stack.OpenAsync();
        var holder = await first.Session.LockAsync("apply", TimeSpan.FromSeconds(1), CancellationToken.None);

        var waiting = second.Session.LockAsync("plan", TimeSpan.FromSeconds(10), CancellationToken.None);
        await Task.Delay(150);
        Assert.False(waiting.IsCompleted);
        await holder.DisposeAsync();
        await using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("plan", taken.Lock.Operation);
    }

    [Fact]
    public async Task CommitAsync_WithTheTokenOfAForceUnlockedLease_IsRefused()
    {
        using var stack = TestStack.Create(Yaml);
        await stack.ApplyAsync();
        await using var first = await stack.OpenAsync();
        await using var second = await stack.OpenAsync();
        await using var old = await first.Session.LockAsync("apply", TimeSpan.FromSeconds(1), CancellationToken.None);
        var before = await first.Stores.State.LoadAsync("locked", CancellationToken.None);

        Assert.True(await second.Stores.Locks.ForceUnlockAsync("locked", old.Lock.LockId, CancellationToken.None));
        await using var current = await second.Session.LockAsync("apply", TimeSpan.FromSeconds(1), CancellationToken.None);
        var removal = new StateChange { Stack = "locked", FencingToken = old.Lock.FencingToken, Removals = ["a"] };

        await Assert.ThrowsAsync<StaleLockException>(() => first.Stores.State.CommitAsync(removal, CancellationToken.None));
        var after = await first.Stores.State.LoadAsync("locked", CancellationToken.None);
        Assert.Equal(before.Serial, after.Serial);
        Assert.Equal(["a"], after.Resources.Keys.ToArray());

        // The current holder's token is accepted.
        var serial = await second.Stores.State.CommitAsync(removal with { FencingToken = current.Lock.FencingToken }, CancellationToken.None);
        Assert.Equal(before.Serial + 1, serial);
    }

    [Fact]
    public async Task ForceUnlockAsync_WithAWrongId_LeavesTheLockHeld()
    {
        using var stack = TestStack.Create(Yaml);
        await using var open = await stack.OpenAsync();
        await using var holder = await open.Session.LockAsync("apply", TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.False(await open.Stores.Locks.ForceUnlockAsync("locked", "not-the-lock", CancellationToken.None));

        Assert.Equal(holder.Lock.LockId, (await open.Stores.Locks.GetLockAsync("locked", CancellationToken.None))!.LockId);
    }
}
