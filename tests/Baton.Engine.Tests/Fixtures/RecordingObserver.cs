using System.Collections.Concurrent;
using System.Diagnostics;
using Baton.Engine.Applying;
using Baton.Plans;

namespace Baton.Engine.Tests.Fixtures;

/// <summary>Records when each operation started and finished (one clock for all), retries, and the most running at once.</summary>
internal sealed class RecordingObserver : IApplyObserver
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private int _running;

    public ConcurrentDictionary<string, TimeSpan> Starts { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, TimeSpan> Finishes { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, OperationOutcome> Outcomes { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string Key, int Attempt, TimeSpan Delay, string Error)> Retries { get; } = new();

    /// <summary>Operation keys in the order they started.</summary>
    public List<string> StartOrder { get; } = [];

    /// <summary>Operation keys in the order they finished (skipped ones included).</summary>
    public List<string> FinishOrder { get; } = [];

    public int MaxRunning { get; private set; }

    public void Started(ResourceChange change)
    {
        lock (_lock)
        {
            Starts[change.Key] = _clock.Elapsed;
            StartOrder.Add(change.Key);
            _running++;
            MaxRunning = Math.Max(MaxRunning, _running);
        }
    }

    public void Retrying(ResourceChange change, int attempt, TimeSpan delay, string error) =>
        Retries.Enqueue((change.Key, attempt, delay, error));

    public void Finished(ResourceChange change, OperationOutcome outcome, string? error, TimeSpan elapsed)
    {
        lock (_lock)
        {
            Finishes[change.Key] = _clock.Elapsed;
            Outcomes[change.Key] = outcome;
            FinishOrder.Add(change.Key);
            if (Starts.ContainsKey(change.Key))
            {
                _running--;
            }
        }
    }
}
