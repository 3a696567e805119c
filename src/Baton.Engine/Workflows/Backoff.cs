using Baton.Spec.Model;

namespace Baton.Engine.Workflows;

/// <summary>Retry delays: exponential with a cap, and "full jitter" (a uniform draw below the exponential delay).</summary>
internal static class Backoff
{
    /// <summary>
    /// The delay before attempt <paramref name="nextAttempt"/> (2 for the first retry): a uniform draw from
    /// [0, min(max_backoff, backoff × coefficient^(nextAttempt − 2))], never less than <paramref name="retryAfter"/>.
    /// </summary>
    public static TimeSpan Delay(RetrySpec retry, int nextAttempt, double draw, TimeSpan? retryAfter = null)
    {
        var exponent = Math.Max(0, nextAttempt - 2);
        var ceiling = Math.Min(retry.MaxBackoff.TotalSeconds, retry.Backoff.TotalSeconds * Math.Pow(retry.Coefficient, exponent));
        if (double.IsNaN(ceiling) || ceiling < 0)
        {
            ceiling = retry.MaxBackoff.TotalSeconds;
        }

        var delay = TimeSpan.FromSeconds(ceiling * Math.Clamp(draw, 0, 1));
        return retryAfter is { } floor && floor > delay ? floor : delay;
    }

    /// <summary>The ceiling of <see cref="Delay"/> for an attempt (the delay with a draw of 1).</summary>
    public static TimeSpan Ceiling(RetrySpec retry, int nextAttempt) => Delay(retry, nextAttempt, 1);
}
