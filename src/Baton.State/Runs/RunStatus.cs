namespace Baton.Runs;

/// <summary>Where a workflow run is.</summary>
public enum RunStatus
{
    /// <summary>Created; no step has started yet.</summary>
    Pending,

    /// <summary>Steps are running or ready to run (timers included).</summary>
    Running,

    /// <summary>A step failed or the run was cancelled; completed steps are being undone.</summary>
    Compensating,

    /// <summary>Every step succeeded or was skipped (finished).</summary>
    Succeeded,

    /// <summary>A step failed (finished; compensation and on_exit ran).</summary>
    Failed,

    /// <summary>Cancelled by an operator (finished; compensation and on_exit ran).</summary>
    Cancelled,
}
