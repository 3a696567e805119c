namespace Baton.Plans;

/// <summary>What a plan does to one resource object.</summary>
public enum ChangeAction
{
    /// <summary>Nothing: it is as the stack wants it.</summary>
    NoOp,

    /// <summary>Create it.</summary>
    Create,

    /// <summary>Update it in place.</summary>
    Update,

    /// <summary>Delete it and create it anew (or the other way round with create_before_destroy).</summary>
    Replace,

    /// <summary>Delete it.</summary>
    Delete,
}
