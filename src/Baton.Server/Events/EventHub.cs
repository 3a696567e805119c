using System.Threading.Channels;
using Baton.State;

namespace Baton.Server.Events;

/// <summary>
/// Fans the control plane's events out to live subscribers. It keeps the last <see cref="Capacity"/> events so a client
/// that reconnects with <c>Last-Event-ID</c> gets what it missed; each subscriber has a bounded queue, and one that
/// falls behind by more than that is dropped (its stream ends; it reconnects and catches up from the buffer), so a slow
/// client never makes the server hold more memory.
/// </summary>
internal sealed class EventHub
{
    private readonly Lock _gate = new();
    private readonly LinkedList<StackEvent> _recent = new();
    private readonly List<Channel<StackEvent>> _subscribers = [];
    private long _next = 1;

    public EventHub(int capacity = 4096, int subscriberQueue = 512)
    {
        Capacity = capacity;
        SubscriberQueue = subscriberQueue;
    }

    public int Capacity { get; }

    /// <summary>Where every event is also logged, one structured line each (none until the host is built).</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; set; }

    public int SubscriberQueue { get; }

    /// <summary>How many subscribers were dropped for falling behind.</summary>
    public long Dropped { get; private set; }

    /// <summary>The id the next event gets.</summary>
    public long NextId
    {
        get
        {
            lock (_gate)
            {
                return _next;
            }
        }
    }

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public StackEvent Publish(StackEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var stored = Store(item);
        // Logged outside the lock: a slow log writer must not hold up publishers and subscribers.
        Write(stored);
        return stored;
    }

    private StackEvent Store(StackEvent item)
    {
        lock (_gate)
        {
            var stored = item with { Id = _next++ };
            _recent.AddLast(stored);
            if (_recent.Count > Capacity)
            {
                _recent.RemoveFirst();
            }

            for (var i = _subscribers.Count - 1; i >= 0; i--)
            {
                if (!_subscribers[i].Writer.TryWrite(stored))
                {
                    _subscribers[i].Writer.TryComplete();
                    _subscribers.RemoveAt(i);
                    Dropped++;
                }
            }

            return stored;
        }
    }

    private void Write(StackEvent e)
    {
        if (Logger is not { } logger)
        {
            return;
        }

        if (e.Kind.EndsWith(".failed", StringComparison.Ordinal) || e.Kind is "resource.unhealthy" or "stack.invalid" or "heal.backoff")
        {
            Log.Failure(logger, e.Stack, e.Source, e.Kind, e.Address, e.Run, e.Step, e.Message);
        }
        else
        {
            Log.Event(logger, e.Stack, e.Source, e.Kind, e.Address, e.Run, e.Step, e.Message);
        }
    }

    /// <summary>The buffered events after <paramref name="afterId"/> (those still held), then every new one.</summary>
    public Subscription Subscribe(long afterId)
    {
        var channel = Channel.CreateBounded<StackEvent>(new BoundedChannelOptions(SubscriberQueue) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        List<StackEvent> backlog;
        bool gap;
        lock (_gate)
        {
            backlog = [.. _recent.Where(e => e.Id > afterId)];
            gap = afterId > 0 && _recent.First is { } first && first.Value.Id > afterId + 1;
            _subscribers.Add(channel);
        }

        return new Subscription(this, channel, backlog, gap);
    }

    /// <summary>The buffered events (newest last), optionally of one stack.</summary>
    public IReadOnlyList<StackEvent> Recent(string? stack, int limit)
    {
        lock (_gate)
        {
            return [.. _recent.Where(e => stack is null || e.Stack == stack).TakeLast(limit)];
        }
    }

    private void Remove(Channel<StackEvent> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }
    }

    /// <summary>A live subscription: the backlog first, then new events until disposed or dropped.</summary>
    internal sealed class Subscription(EventHub hub, Channel<StackEvent> channel, IReadOnlyList<StackEvent> backlog, bool gap) : IDisposable
    {
        /// <summary>Events the client missed were already dropped from the buffer.</summary>
        public bool Gap { get; } = gap;

        public IReadOnlyList<StackEvent> Backlog { get; } = backlog;

        public ChannelReader<StackEvent> Reader => channel.Reader;

        public void Dispose() => hub.Remove(channel);
    }
}
