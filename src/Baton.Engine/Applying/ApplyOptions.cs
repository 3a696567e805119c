using Baton.Engine.Retrying;

namespace Baton.Engine.Applying;

/// <summary>How to apply. Every default is written here.</summary>
public sealed record ApplyOptions
{
    /// <summary>The most provider operations at once. Default: 32.</summary>
    public int Parallelism { get; init; } = 32;

    /// <summary>
    /// How a provider call retries after a transient or throttling error. Default: 5 attempts in all, the first retry
    /// within 200 ms, doubling, at most 30 s (full jitter; never sooner than a throttling provider's Retry-After).
    /// </summary>
    public RetryPolicy Retry { get; init; } = new(5, TimeSpan.FromMilliseconds(200), 2, TimeSpan.FromSeconds(30));

    /// <summary>The limit for one provider call when the resource sets none in <c>timeouts</c>. Default: 20 minutes.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>The random draw for retry jitter, in [0, 1) (tests pass <see cref="Retrying.Jitter.Seeded"/>).</summary>
    public Func<double> Jitter { get; init; } = Retrying.Jitter.Random;

    /// <summary>The most operations at once per provider instance, by instance name (from its <c>parallelism</c> setting).</summary>
    public IReadOnlyDictionary<string, int> ProviderParallelism { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>The id to record the apply under, so a caller can name it before it starts. Default: a new one.</summary>
    public string? ApplyId { get; init; }
}
