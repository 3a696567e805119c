using Baton.Spec.Declarations;

namespace Baton.Engine.Retrying;

/// <summary>
/// The one retry policy of Baton: the applier's provider calls, workflow steps (whose delays are stored, so a retry
/// survives a crash) and the reconciler's heals all wait by it. Exponential backoff with a cap and "full jitter" (a
/// uniform draw below the exponential delay), never less than what the far side asked for (Retry-After).
/// </summary>
/// <param name="Attempts">Attempts in all, the first included.</param>
/// <param name="FirstDelay">The delay before the first retry (with a draw of 1).</param>
/// <param name="Coefficient">How much the delay grows per retry.</param>
/// <param name="MaxDelay">The largest delay.</param>
public sealed record RetryPolicy(int Attempts, TimeSpan FirstDelay, double Coefficient, TimeSpan MaxDelay)
{
    /// <summary>The policy a workflow step's <c>retry</c> block declares.</summary>
    public static RetryPolicy Of(RetrySpec retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        return new RetryPolicy(retry.Attempts, retry.Backoff, retry.Coefficient, retry.MaxBackoff);
    }

    /// <summary>Whether another attempt may follow attempt number <paramref name="attempt"/> (1 for the first).</summary>
    public bool AllowsRetryAfter(int attempt) => attempt < Attempts;

    /// <summary>
    /// The delay before retry number <paramref name="retry"/> (1 for the first retry, that is before the second
    /// attempt): a uniform <paramref name="draw"/> in [0, 1] of min(<see cref="MaxDelay"/>, <see cref="FirstDelay"/> ×
    /// <see cref="Coefficient"/>^(retry − 1)), never less than <paramref name="floor"/>.
    /// </summary>
    public TimeSpan Delay(int retry, double draw, TimeSpan? floor = null)
    {
        var exponent = Math.Max(0, retry - 1);
        var ceiling = Math.Min(MaxDelay.TotalSeconds, FirstDelay.TotalSeconds * Math.Pow(Coefficient, exponent));
        if (double.IsNaN(ceiling) || ceiling < 0)
        {
            ceiling = MaxDelay.TotalSeconds;
        }

        var delay = TimeSpan.FromSeconds(ceiling * Math.Clamp(draw, 0, 1));
        return floor is { } least && least > delay ? least : delay;
    }

    /// <summary>The longest <see cref="Delay"/> before retry number <paramref name="retry"/> (a draw of 1): no jitter.</summary>
    public TimeSpan Ceiling(int retry) => Delay(retry, 1);
}
