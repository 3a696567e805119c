namespace Baton.Runs;

/// <summary>
/// Where workflow runs live: each run, the current state of its steps, its append-only history, the signals sent to
/// it, and the fires of schedules. Writes are durable when the returned task completes, and each call that writes is
/// one transaction. Sensitive values are encrypted at rest. Safe to call from many threads and many processes.
/// A run is executed by one worker at a time: the owner of its lease; writes of a worker that lost the lease fail.
/// </summary>
public interface IRunStore
{
    /// <summary>Creates a run (status <see cref="RunStatus.Pending"/>, no steps) owned by <paramref name="owner"/> for <paramref name="lease"/>.</summary>
    Task CreateRunAsync(RunRecord run, string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="transitions"/> (possibly of many runs) in one transaction: each event gets the next
    /// sequence number of its run, each step state is inserted or replaced, each run's status, outputs, error,
    /// event count and update time change. Throws <see cref="RunLeaseLostException"/>, writing nothing, when any run
    /// is not held by <paramref name="owner"/> with an unexpired lease.
    /// </summary>
    Task AppendAsync(IReadOnlyList<RunTransition> transitions, string owner, CancellationToken cancellationToken);

    /// <summary>The run, or null.</summary>
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The current state of every step of the run, in the order they were first recorded.</summary>
    Task<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The run's events after <paramref name="afterSeq"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RunEvent>> ReadRunEventsAsync(string runId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The events of every run of <paramref name="stack"/> after feed position <paramref name="afterPosition"/> (0 for
    /// the start), in the order they were stored.
    /// </summary>
    Task<IReadOnlyList<RunFeedEntry>> ReadRunFeedAsync(string stack, long afterPosition, int limit, CancellationToken cancellationToken);

    /// <summary>Runs matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the run's lease for <paramref name="owner"/> when nobody holds it, the lease expired, or the owner already
    /// holds it; false otherwise (and for a finished or unknown run).
    /// </summary>
    Task<bool> TryClaimRunAsync(string runId, string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the leases <paramref name="owner"/> holds on <paramref name="runIds"/>; returns the ids it no longer holds.</summary>
    Task<IReadOnlyList<string>> RenewLeasesAsync(string owner, IReadOnlyList<string> runIds, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Gives the run's lease back (nothing when <paramref name="owner"/> does not hold it).</summary>
    Task ReleaseRunAsync(string runId, string owner, CancellationToken cancellationToken);

    /// <summary>Stores a signal for a run and returns its id.</summary>
    Task<long> AddSignalAsync(RunSignal signal, CancellationToken cancellationToken);

    /// <summary>The run's signals with ids greater than <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<RunSignal>> ReadSignalsAsync(string runId, long afterId, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="workflow"/>'s schedule fired for <paramref name="fireTime"/>, starting
    /// <paramref name="runId"/>. False when that fire is already recorded (a unique constraint on stack, workflow and
    /// fire time), so each fire starts at most one run however many schedulers race.
    /// </summary>
    Task<bool> TryRecordScheduleFireAsync(string stack, string workflow, DateTimeOffset fireTime, string runId, CancellationToken cancellationToken);

    /// <summary>The latest recorded fire time of the workflow's schedule, or null.</summary>
    Task<DateTimeOffset?> LastScheduleFireAsync(string stack, string workflow, CancellationToken cancellationToken);
}
