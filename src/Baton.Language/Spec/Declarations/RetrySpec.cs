namespace Baton.Spec.Declarations;

/// <summary>
/// How a step retries. The defaults follow Temporal's activity policy: first delay 1 s, doubling, at most 100 s;
/// a <c>retry</c> block without <c>attempts</c> allows 3 attempts in all.
/// </summary>
public sealed record RetrySpec
{
    /// <summary>Attempts in all, the first included.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The delay before the first retry.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How much the delay grows per retry.</summary>
    public double Coefficient { get; init; } = 2;

    /// <summary>The largest delay.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(100);
}
