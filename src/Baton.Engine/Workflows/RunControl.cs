using Baton.Runs;

namespace Baton.Engine.Workflows;

/// <summary>
/// The checks and signals behind approving, rejecting, cancelling and retrying a run, shared by the CLI and the API so
/// both refuse the same requests with the same words.
/// </summary>
public static class RunControl
{
    /// <summary>The run, or a not-found error naming it.</summary>
    public static async Task<RunRecord> GetAsync(IRunStore store, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.GetRunAsync(runId, cancellationToken) ?? throw new RunControlException($"there is no run \"{runId}\"", notFound: true);
    }

    /// <summary>Approves or rejects <paramref name="step"/> of a run; refused unless the step waits for approval.</summary>
    public static async Task<RunSignal> DecideAsync(
        IRunStore store, string runId, string step, bool approve, string by, string? comment, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var run = await GetAsync(store, runId, cancellationToken);
        var steps = await store.GetStepsAsync(runId, cancellationToken);
        var found = steps.FirstOrDefault(s => s.Key == step);
        if (found is not { Status: StepStatus.WaitingApproval })
        {
            var waiting = steps.Where(s => s.Status == StepStatus.WaitingApproval).Select(s => s.Key).ToList();
            throw new RunControlException(
                $"step \"{step}\" of run {runId} is not waiting for approval ({(found is null ? "no such step has started" : "it is " + RunStatusText.Words(found.Status))})"
                + (waiting.Count > 0 ? $"; waiting: {string.Join(", ", waiting)}" : run.IsFinished ? $"; the run has {RunStatusText.Words(run.Status)}" : ""));
        }

        var signal = new RunSignal { RunId = runId, Kind = approve ? RunSignalKind.Approve : RunSignalKind.Reject, Step = step, By = by, Comment = comment, At = time.GetUtcNow() };
        await store.AddSignalAsync(signal, cancellationToken);
        return signal;
    }

    /// <summary>
    /// Records a cancel request; refused for a finished run. Returns the run as it was: when a live worker holds it
    /// (<see cref="IsHeldByLiveWorker"/>), that worker carries the cancel out; otherwise the caller should execute it.
    /// </summary>
    public static async Task<RunRecord> RequestCancelAsync(IRunStore store, string runId, string by, string? comment, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var run = await GetAsync(store, runId, cancellationToken);
        if (run.IsFinished)
        {
            throw new RunControlException($"run {runId} has already {RunStatusText.Words(run.Status)}; there is nothing to cancel");
        }

        await store.AddSignalAsync(new RunSignal { RunId = runId, Kind = RunSignalKind.Cancel, By = by, Comment = comment, At = time.GetUtcNow() }, cancellationToken);
        return run;
    }

    /// <summary>Whether a worker that is alive holds the run's lease.</summary>
    public static bool IsHeldByLiveWorker(RunRecord run, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(time);
        return run.Owner is not null && run.LeaseExpiresAt > time.GetUtcNow() && !LocalOwner.IsDead(run.Owner);
    }

    /// <summary>The failed run to retry; refused for any run that has not failed.</summary>
    public static async Task<RunRecord> GetRetryableAsync(IRunStore store, string runId, CancellationToken cancellationToken)
    {
        var run = await GetAsync(store, runId, cancellationToken);
        if (run.Status != RunStatus.Failed)
        {
            throw new RunControlException($"run {runId} has {(run.IsFinished ? "" : "not ")}{(run.IsFinished ? RunStatusText.Words(run.Status) : "finished")}; only a failed run can be retried");
        }

        return run;
    }
}
