namespace Baton.State;

/// <summary>Where a <see cref="StackEvent"/> comes from (its <see cref="StackEvent.Source"/>).</summary>
public static class EventSources
{
    /// <summary>A committed change of state: an apply, an operation, a resource created, updated, failed or deleted.</summary>
    public const string State = "state";

    /// <summary>A transition of a workflow run or of one of its steps, from the run's durable history.</summary>
    public const string Run = "run";

    /// <summary>A notice of the control plane: a stack reloaded or invalid, drift found, a loop that failed, a backup that failed.</summary>
    public const string Control = "control";
}
