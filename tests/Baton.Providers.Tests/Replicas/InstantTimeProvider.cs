namespace Baton.Providers.Tests.Replicas;

/// <summary>
/// A clock that never makes anyone wait: a timer moves the clock on by its due time and fires at once, on the caller's
/// thread. <c>Task.Delay(delay, provider)</c> therefore completes before it returns, so the replica set's start grace,
/// health-check intervals and deadlines all pass in no wall-clock time, in a deterministic order.
/// </summary>
internal sealed class InstantTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock on, as time passing between two calls would.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        _now += by;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero)
        {
            throw new NotSupportedException("periodic timers would fire for ever");
        }

        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Advance(dueTime);
            callback(state);
        }

        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
