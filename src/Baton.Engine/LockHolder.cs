using Baton.State;

namespace Baton.Engine;

/// <summary>
/// A held stack lock and its heartbeat: the lease is renewed at a third of its length. If a renewal finds the lease
/// lost, <see cref="Lost"/> is cancelled so the holder stops writing (its writes would be refused anyway).
/// </summary>
public sealed class LockHolder : IAsyncDisposable
{
    private readonly ILockStore _store;
    private readonly TimeSpan _lease;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _heartbeat;

    private LockHolder(ILockStore store, StackLock held, TimeSpan lease, TimeProvider time)
    {
        _store = store;
        Lock = held;
        _lease = lease;
        _time = time;
        _heartbeat = Task.Run(HeartbeatAsync);
    }

    /// <summary>The current lease.</summary>
    public StackLock Lock { get; private set; }

    /// <summary>Cancelled when the lease is lost.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Takes the stack's lock, waiting up to <paramref name="wait"/>; throws <see cref="LockUnavailableException"/> naming the holder otherwise.</summary>
    public static async Task<LockHolder> AcquireAsync(ILockStore store, string stack, string operation, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken, TimeSpan? lease = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var length = lease ?? TimeSpan.FromSeconds(30);
        var attempt = await store.AcquireLockAsync(stack, Owner(), operation, TimeSpan.Zero.Add(length), TimeSpan.Zero, cancellationToken);
        if (attempt.Lock is null && attempt.Holder is { } holder && IsDeadLocalHolder(holder))
        {
            // The holder was a process on this machine that no longer exists (killed, crashed): its lease can only
            // be stale, so take the lock over rather than make the user wait for the lease or force-unlock.
            await store.ForceUnlockAsync(stack, holder.LockId, cancellationToken);
        }

        if (attempt.Lock is null)
        {
            attempt = await store.AcquireLockAsync(stack, Owner(), operation, length, wait, cancellationToken);
        }

        if (attempt.Lock is not { } held)
        {
            throw new LockUnavailableException(attempt.Holder);
        }

        return new LockHolder(store, held, length, time);
    }

    private static bool IsDeadLocalHolder(StackLock holder) => LocalOwner.IsDead(holder.Owner);

    /// <summary>Who is asking: user, host and process id.</summary>
    public static string Owner() => LocalOwner.Name();

    private async Task HeartbeatAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(_lease / 3, _time, _stop.Token);
                Lock = await _store.RenewLockAsync(Lock, _lease, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (StaleLockException)
        {
            await _lost.CancelAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeat;
        try
        {
            await _store.ReleaseLockAsync(Lock, CancellationToken.None);
        }
        finally
        {
            _stop.Dispose();
            _lost.Dispose();
        }
    }
}
