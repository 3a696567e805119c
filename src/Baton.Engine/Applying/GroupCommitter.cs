using System.Collections.Immutable;
using System.Threading.Channels;
using Baton.State;

namespace Baton.Engine.Applying;

/// <summary>
/// Turns many small state writes into few durable transactions: writes that arrive while a commit is in flight are
/// merged into the next one. A writer's task completes only when its write is durable, so a provider is never called
/// before its intent is on disk, and no waiting is added when there is nothing to batch with.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private const int MaxBatch = 4096;

    private readonly IStateStore _store;
    private readonly string _stack;
    private readonly long _fencingToken;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public GroupCommitter(IStateStore store, string stack, long fencingToken)
    {
        _store = store;
        _stack = stack;
        _fencingToken = fencingToken;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The stack's serial after the latest commit.</summary>
    public long Serial { get; private set; }

    /// <summary>The number of transactions committed.</summary>
    public int Commits { get; private set; }

    /// <summary>Writes <paramref name="change"/> (its stack and token are ignored) durably, with whatever else is waiting.</summary>
    public Task SubmitAsync(StateChange change)
    {
        var pending = new Pending(change, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The committer is closed.");
        }

        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                Serial = await _store.CommitAsync(Merge(batch), CancellationToken.None);
                Commits++;
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(ex);
                }
            }
        }
    }

    private StateChange Merge(List<Pending> batch)
    {
        if (batch.Count == 1)
        {
            return batch[0].Change with { Stack = _stack, FencingToken = _fencingToken };
        }

        var intents = ImmutableArray.CreateBuilder<JournalIntent>();
        var results = ImmutableArray.CreateBuilder<JournalResult>();
        var upserts = ImmutableArray.CreateBuilder<ResourceState>();
        var removals = ImmutableArray.CreateBuilder<string>();
        var events = ImmutableArray.CreateBuilder<StackEvent>();
        var notify = ImmutableArray.CreateBuilder<PendingNotification>();
        var notified = ImmutableArray.CreateBuilder<PendingNotification>();
        var facts = ImmutableArray.CreateBuilder<HostFactsRecord>();
        Values.Value? outputs = null;
        foreach (var pending in batch)
        {
            var change = pending.Change;
            intents.AddRange(change.Intents);
            results.AddRange(change.Results);
            upserts.AddRange(change.Upserts);
            removals.AddRange(change.Removals);
            events.AddRange(change.Events);
            notify.AddRange(change.Notify);
            notified.AddRange(change.Notified);
            facts.AddRange(change.Facts);
            outputs = change.Outputs ?? outputs;
        }

        return new StateChange
        {
            Stack = _stack,
            FencingToken = _fencingToken,
            Intents = intents.ToImmutable(),
            Results = results.ToImmutable(),
            Upserts = upserts.ToImmutable(),
            Removals = removals.ToImmutable(),
            Events = events.ToImmutable(),
            Notify = notify.ToImmutable(),
            Notified = notified.ToImmutable(),
            Facts = facts.ToImmutable(),
            Outputs = outputs,
        };
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed record Pending(StateChange Change, TaskCompletionSource Done);
}
