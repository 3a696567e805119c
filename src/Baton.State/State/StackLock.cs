namespace Baton.State;

/// <summary>
/// A lease on a stack: whoever holds it may write. It expires unless renewed (a heartbeat), and every new lease gets
/// a larger fencing token, so a holder that lost its lease (paused, partitioned) has its writes refused.
/// </summary>
public sealed record StackLock
{
    /// <summary>The stack.</summary>
    public required string Stack { get; init; }

    /// <summary>The lease's id, for <c>baton force-unlock ID</c>.</summary>
    public required string LockId { get; init; }

    /// <summary>Who holds it: user, host and process.</summary>
    public required string Owner { get; init; }

    /// <summary>What the holder is doing: <c>apply</c>, <c>destroy</c>, …</summary>
    public required string Operation { get; init; }

    /// <summary>Increases with every lease granted on the stack.</summary>
    public required long FencingToken { get; init; }

    /// <summary>When the lease was granted.</summary>
    public required DateTimeOffset AcquiredAt { get; init; }

    /// <summary>When it lapses unless renewed.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
