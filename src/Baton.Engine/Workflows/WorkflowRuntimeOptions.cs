namespace Baton.Engine.Workflows;

/// <summary>How the workflow runtime behaves; the defaults suit a CLI run and a server alike.</summary>
public sealed record WorkflowRuntimeOptions
{
    /// <summary>Who executes runs (a lease owner name: host, process id and a nonce).</summary>
    public required string Owner { get; init; }

    /// <summary>Where time comes from (timers, leases, event times).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long a run's lease lasts without renewal.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most events a run's history may hold. A run that reaches it fails with a clear error instead of growing
    /// without bound (a loop of retries, a huge fan-out).
    /// </summary>
    public int MaxEventsPerRun { get; init; } = 10_000;

    /// <summary>How often a run looks for approvals and cancels sent from elsewhere.</summary>
    public TimeSpan SignalPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How much of an <c>exec</c> step's stdout and stderr is kept, each.</summary>
    public int MaxOutputBytes { get; init; } = 64 * 1024;

    /// <summary>The random draw for retry jitter, in [0, 1); replaceable for tests.</summary>
    public Func<double> Jitter { get; init; } = Retrying.Jitter.Random;
}
