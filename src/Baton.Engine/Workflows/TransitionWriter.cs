using System.Threading.Channels;
using Baton.Runs;

namespace Baton.Engine.Workflows;

/// <summary>
/// Group commit for run transitions: transitions of any number of runs that arrive while a commit is in flight go
/// into the next one, so throughput is not one fsync per transition. A caller's task completes only when its
/// transitions are durable, so a step never starts before its <c>step.started</c> is on disk.
/// </summary>
internal sealed class TransitionWriter : IAsyncDisposable
{
    private const int MaxBatch = 2048;

    private readonly IRunStore _store;
    private readonly string _owner;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _commits;
    private long _transitions;

    public TransitionWriter(IRunStore store, string owner)
    {
        _store = store;
        _owner = owner;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Transactions committed so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Transitions committed so far.</summary>
    public long Transitions => Interlocked.Read(ref _transitions);

    /// <summary>Writes <paramref name="transitions"/> (one run's, in order) durably, with whatever else is waiting.</summary>
    public Task CommitAsync(IReadOnlyList<RunTransition> transitions)
    {
        var pending = new Pending(transitions, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The transition writer is closed.");
        }

        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        var all = new List<RunTransition>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            all.Clear();
            while (all.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                all.AddRange(pending.Transitions);
            }

            try
            {
                await _store.AppendAsync(all, _owner, CancellationToken.None);
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _transitions, all.Count);
                Count(all);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception) when (batch.Count > 1)
            {
                // One run's lost lease must not fail the others: commit each on its own to find out whose it was.
                foreach (var pending in batch)
                {
                    try
                    {
                        await _store.AppendAsync(pending.Transitions, _owner, CancellationToken.None);
                        Interlocked.Increment(ref _commits);
                        Interlocked.Add(ref _transitions, pending.Transitions.Count);
                        Count(pending.Transitions);
                        pending.Done.TrySetResult();
                    }
                    catch (Exception ex)
                    {
                        pending.Done.TrySetException(ex);
                    }
                }
            }
            catch (Exception ex)
            {
                batch[0].Done.TrySetException(ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed record Pending(IReadOnlyList<RunTransition> Transitions, TaskCompletionSource Done);

    private static void Count(IEnumerable<RunTransition> transitions)
    {
        if (!Telemetry.BatonTelemetry.StepTransitions.Enabled)
        {
            return;
        }

        foreach (var transition in transitions)
        {
            Telemetry.BatonTelemetry.StepTransitions.Add(1, new KeyValuePair<string, object?>("kind", transition.Event.Kind));
            if (transition.RunStatus is { } status && status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled)
            {
                Telemetry.BatonTelemetry.Runs.Add(1, new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));
            }
        }
    }
}
