namespace Baton.State;

/// <summary>What an apply did.</summary>
public enum ApplyKind
{
    /// <summary>Brought resources to the stack file.</summary>
    Apply,

    /// <summary>Deleted every resource.</summary>
    Destroy,
}
