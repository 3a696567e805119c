namespace Baton.Access;

/// <summary>What a token may do, each role including the ones before it.</summary>
public enum ApiRole
{
    /// <summary>Reads everything (secrets never shown).</summary>
    Viewer = 0,

    /// <summary>Also plans, applies, starts, cancels and retries runs, approves and rejects steps.</summary>
    Operator = 1,

    /// <summary>Also manages tokens and force-unlocks stacks.</summary>
    Admin = 2,
}
