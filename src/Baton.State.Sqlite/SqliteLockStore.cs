using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// The stack locks in the SQLite state file: one row per held stack in <c>locks</c>, fencing tokens from
/// <c>fencing_counters</c>, which outlives the lock rows, so a token is never granted twice. Taking a lock is one
/// <c>BEGIN IMMEDIATE</c> transaction on the shared writer (<see cref="SqliteDatabase"/>), polled with backoff while
/// someone else holds it; lease expiry is compared with the store's <see cref="TimeProvider"/>.
/// </summary>
public sealed class SqliteLockStore : ILockStore
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(2);

    private readonly SqliteDatabase _database;

    internal SqliteLockStore(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public async Task<LockAttempt> AcquireLockAsync(string stack, string owner, string operation, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var started = _database.Time.GetTimestamp();
        var delay = FirstPollDelay;
        while (true)
        {
            var (granted, holder) = await _database.WriteAsync(transaction => TryAcquire(transaction, stack, owner, operation, lease), cancellationToken);
            if (granted is not null)
            {
                return new LockAttempt(granted, null);
            }

            var elapsed = _database.Time.GetElapsedTime(started);
            if (elapsed >= wait)
            {
                return new LockAttempt(null, holder);
            }

            var pause = delay < wait - elapsed ? delay : wait - elapsed;
            await Task.Delay(pause, _database.Time, cancellationToken);
            delay = delay * 2 < MaxPollDelay ? delay * 2 : MaxPollDelay;
        }
    }

    /// <inheritdoc />
    public Task<StackLock> RenewLockAsync(StackLock held, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        return _database.WriteAsync(
            transaction =>
            {
                var now = _database.Time.GetUtcNow();
                _database.CheckFence(transaction, held.Stack, held.FencingToken, now);
                var renewed = held with { ExpiresAt = now + lease };
                var update = _database.Statements.RenewLock.On(transaction);
                update[0] = held.Stack;
                update[1] = held.FencingToken;
                update[2] = Codec.Time(renewed.ExpiresAt);
                update.Execute();
                return renewed;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseLockAsync(StackLock held, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        return _database.WriteAsync(
            transaction =>
            {
                var delete = _database.Statements.ReleaseLock.On(transaction);
                delete[0] = held.Stack;
                delete[1] = held.LockId;
                delete[2] = held.FencingToken;
                return delete.Execute();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StackLock?> GetLockAsync(string stack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return await _database.ReadAsync(connection => SqliteDatabase.ReadLock(SqliteDatabase.Command(connection, null, WriterStatements.SelectLockSql, ("stack", stack)), stack), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ForceUnlockAsync(string stack, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(lockId);
        return _database.WriteAsync(
            transaction =>
            {
                var delete = _database.Statements.ForceUnlock.On(transaction);
                delete[0] = stack;
                delete[1] = lockId;
                return delete.Execute() > 0;
            },
            cancellationToken);
    }

    private (StackLock? Granted, StackLock? Holder) TryAcquire(SqliteTransaction transaction, string stack, string owner, string operation, TimeSpan lease)
    {
        var now = _database.Time.GetUtcNow();
        var current = SqliteDatabase.ReadLock(_database.Statements.SelectLock.On(transaction).With(stack), stack);
        if (current is not null && current.ExpiresAt > now)
        {
            return (null, current);
        }

        var next = _database.Statements.NextToken.On(transaction);
        next[0] = stack;
        var token = (long)next.Scalar()!;
        var granted = new StackLock
        {
            Stack = stack,
            LockId = Guid.CreateVersion7(now).ToString("N"),
            Owner = owner,
            Operation = operation,
            FencingToken = token,
            AcquiredAt = now,
            ExpiresAt = now + lease,
        };
        var upsert = _database.Statements.UpsertLock.On(transaction);
        upsert[0] = stack;
        upsert[1] = granted.LockId;
        upsert[2] = owner;
        upsert[3] = operation;
        upsert[4] = token;
        upsert[5] = Codec.Time(granted.AcquiredAt);
        upsert[6] = Codec.Time(granted.ExpiresAt);
        upsert.Execute();
        return (granted, null);
    }
}
