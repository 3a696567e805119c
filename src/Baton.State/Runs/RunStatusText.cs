namespace Baton.Runs;

/// <summary>How run and step states read in a sentence ("run R has been cancelled", "step S is waiting for approval").</summary>
public static class RunStatusText
{
    /// <summary>A run's status as the end of "run R has …" or "run R …".</summary>
    public static string Words(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "succeeded",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "been cancelled",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>A step's status in words.</summary>
    public static string Words(StepStatus status) => status switch
    {
        StepStatus.WaitingApproval => "waiting for approval",
        StepStatus.RetryScheduled => "waiting to retry",
        StepStatus.CompensationFailed => "compensation failed",
        _ => status.ToString().ToLowerInvariant(),
    };
}
