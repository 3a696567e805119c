using System.Collections.Immutable;

namespace Baton.Providers.Process;

/// <summary>A parsed <c>health</c> block: exactly one of an HTTP path, a TCP connect, or an exec argv.</summary>
internal sealed record HealthCheck
{
    public string? HttpPath { get; init; }

    public bool Tcp { get; init; }

    public ImmutableArray<string> Exec { get; init; } = [];

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan StartPeriod { get; init; } = TimeSpan.FromSeconds(30);

    public int HealthyThreshold { get; init; } = 1;

    public int UnhealthyThreshold { get; init; } = 3;

    public bool NeedsPort => HttpPath is not null || Tcp;
}
