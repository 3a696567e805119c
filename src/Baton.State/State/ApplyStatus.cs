namespace Baton.State;

/// <summary>How an apply ended.</summary>
public enum ApplyStatus
{
    /// <summary>Still running, or interrupted before it could record its end.</summary>
    Running,

    /// <summary>Every operation succeeded.</summary>
    Succeeded,

    /// <summary>Some operation failed.</summary>
    Failed,

    /// <summary>Stopped by the user.</summary>
    Cancelled,
}
