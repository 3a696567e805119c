using System.Collections.Immutable;

namespace Baton.Replicas;

/// <summary>A parsed <c>health</c> block: exactly one of an HTTP path, a TCP connect, or an exec argv.</summary>
public sealed record HealthCheck
{
    /// <summary>The path an HTTP GET asks for on the replica's port; a 2xx or 3xx answer passes.</summary>
    public string? HttpPath { get; init; }

    /// <summary>Whether a TCP connect to the replica's port is the check.</summary>
    public bool Tcp { get; init; }

    /// <summary>A command whose exit 0 passes (run where the driver runs it: on the host for processes, inside a container).</summary>
    public ImmutableArray<string> Exec { get; init; } = [];

    /// <summary>How often the check runs.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one check may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a new replica has to become healthy (plus one timeout).</summary>
    public TimeSpan StartPeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Passes in a row that make a new replica healthy.</summary>
    public int HealthyThreshold { get; init; } = 1;

    /// <summary>Failures in a row that make a running replica unhealthy (the control plane's judgement).</summary>
    public int UnhealthyThreshold { get; init; } = 3;

    /// <summary>Whether the check needs the replica's port.</summary>
    public bool NeedsPort => HttpPath is not null || Tcp;
}
