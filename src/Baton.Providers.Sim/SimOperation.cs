namespace Baton.Providers.Sim;

/// <summary>One entry of the world's operations log.</summary>
public sealed record SimOperation
{
    /// <summary>The position in the log, increasing.</summary>
    public required long Sequence { get; init; }

    /// <summary>What the call did.</summary>
    public required SimOperationKind Kind { get; init; }

    /// <summary>The object it touched.</summary>
    public required string ObjectId { get; init; }

    /// <summary>The resource address of the call.</summary>
    public required string Address { get; init; }

    /// <summary>The call's idempotency key.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>When it happened (by the writer's clock).</summary>
    public required DateTimeOffset At { get; init; }
}
