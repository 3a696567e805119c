namespace Baton.Providers.Sim;

/// <summary>What a logged call to the simulated cloud did.</summary>
public enum SimOperationKind
{
    /// <summary>A create that made a new object.</summary>
    Create,

    /// <summary>A create whose idempotency key had already made an object, which it returned.</summary>
    CreateRepeated,

    /// <summary>An update of a live object.</summary>
    Update,

    /// <summary>A delete of a live object.</summary>
    Delete,

    /// <summary>A delete of an object that was already gone.</summary>
    DeleteOfGone,

    /// <summary>A signal to an object: the action sim.signal, the verb of a notification (notifies: [{ signal: … }]).</summary>
    Signal,
}
