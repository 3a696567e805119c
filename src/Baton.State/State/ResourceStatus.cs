namespace Baton.State;

/// <summary>The condition of a resource object in state.</summary>
public enum ResourceStatus
{
    /// <summary>Created and, as far as Baton knows, as the stack wants it.</summary>
    Ready,

    /// <summary>A create or update failed part-way: the object exists but must be replaced on the next apply.</summary>
    Tainted,

    /// <summary>The old object of a create-before-destroy replacement, waiting to be deleted.</summary>
    Deposed,
}
