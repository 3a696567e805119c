namespace Baton.Engine.Applying;

/// <summary>How to apply. Every default is written here.</summary>
public sealed record ApplyOptions
{
    /// <summary>The most provider operations at once. Default: 32.</summary>
    public int Parallelism { get; init; } = 32;

    /// <summary>Attempts per operation for transient and throttling errors, the first included. Default: 5.</summary>
    public int Attempts { get; init; } = 5;

    /// <summary>The first retry delay (full jitter below it, doubling per attempt). Default: 200 ms.</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The largest retry delay. Default: 30 s.</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The limit for one provider call when the resource sets none in <c>timeouts</c>. Default: 20 minutes.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Where retry jitter comes from (tests pass a seeded one). Default: <see cref="Random.Shared"/>.</summary>
    public Random Jitter { get; init; } = Random.Shared;

    /// <summary>The most operations at once per provider instance, by instance name (from its <c>parallelism</c> setting).</summary>
    public IReadOnlyDictionary<string, int> ProviderParallelism { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>The id to record the apply under, so a caller can name it before it starts. Default: a new one.</summary>
    public string? ApplyId { get; init; }
}
