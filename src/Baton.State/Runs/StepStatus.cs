namespace Baton.Runs;

/// <summary>Where one step of a run is. A <c>for_each</c> step has one record per item besides its own.</summary>
public enum StepStatus
{
    /// <summary>Waiting for what it needs.</summary>
    Pending,

    /// <summary>An attempt is running (after a crash: an attempt that may or may not have happened).</summary>
    Running,

    /// <summary>An attempt failed; the next starts at <see cref="StepRecord.DueAt"/>.</summary>
    RetryScheduled,

    /// <summary>A <c>wait</c> step, until <see cref="StepRecord.DueAt"/>.</summary>
    Waiting,

    /// <summary>An <c>approval</c> step waiting for a person (until <see cref="StepRecord.DueAt"/> when it expires).</summary>
    WaitingApproval,

    /// <summary>Done, with outputs.</summary>
    Succeeded,

    /// <summary>Failed for good.</summary>
    Failed,

    /// <summary>Not run: its <c>if</c> was false, or what it needs did not succeed.</summary>
    Skipped,

    /// <summary>Stopped by a cancel.</summary>
    Cancelled,

    /// <summary>Its compensation is running.</summary>
    Compensating,

    /// <summary>Its compensation succeeded.</summary>
    Compensated,

    /// <summary>Its compensation failed (the run records it and goes on undoing the others).</summary>
    CompensationFailed,
}
