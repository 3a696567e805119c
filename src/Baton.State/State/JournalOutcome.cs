namespace Baton.State;

/// <summary>How a journaled operation ended.</summary>
public enum JournalOutcome
{
    /// <summary>The provider call succeeded and its effect is in state.</summary>
    Succeeded,

    /// <summary>The provider call failed; state holds what is known.</summary>
    Failed,

    /// <summary>Recovery found out what the interrupted call did and repaired state.</summary>
    Recovered,
}
