namespace Baton.Engine.Applying;

/// <summary>How one planned change ended.</summary>
public enum OperationOutcome
{
    /// <summary>It was made.</summary>
    Succeeded,

    /// <summary>The provider refused or failed.</summary>
    Failed,

    /// <summary>Not started, because something it depends on failed.</summary>
    Skipped,

    /// <summary>Not started, or stopped, because the apply was interrupted.</summary>
    Cancelled,
}
