namespace Baton.State;

/// <summary>The provider mutations the journal records.</summary>
public enum JournalAction
{
    /// <summary>A create.</summary>
    Create,

    /// <summary>An update in place.</summary>
    Update,

    /// <summary>A delete.</summary>
    Delete,
}
