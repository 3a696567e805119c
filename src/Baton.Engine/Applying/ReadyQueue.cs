namespace Baton.Engine.Applying;

/// <summary>
/// The steps ready to run, handed out longest-remaining-chain first: when more steps are ready than there are
/// workers, the ones with the most work waiting behind them start first (list scheduling by "bottom level"), which
/// keeps a bounded apply close to its lower bound, max(critical path, total work ÷ parallelism). Ties go to the step
/// that became ready first.
/// </summary>
internal sealed class ReadyQueue : IDisposable
{
    private readonly PriorityQueue<int, (int Priority, long Order)> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly int[] _priority;
    private long _order;
    private bool _completed;

    public ReadyQueue(int[] priority) => _priority = priority;

    public void Add(int step)
    {
        lock (_queue)
        {
            // PriorityQueue dequeues the smallest: negate, so the longest chain comes first.
            _queue.Enqueue(step, (-_priority[step], _order++));
        }

        _available.Release();
    }

    /// <summary>No more steps will be added; waiting takers get -1.</summary>
    public void Complete(int takers)
    {
        lock (_queue)
        {
            _completed = true;
        }

        _available.Release(takers);
    }

    /// <summary>The next step, or -1 when everything is done.</summary>
    public async Task<int> TakeAsync()
    {
        await _available.WaitAsync();
        lock (_queue)
        {
            if (_queue.TryDequeue(out var step, out _))
            {
                return step;
            }

            return _completed ? -1 : throw new InvalidOperationException("A taker woke with nothing ready.");
        }
    }

    public void Dispose() => _available.Dispose();
}
