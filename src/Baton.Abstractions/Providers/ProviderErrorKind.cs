namespace Baton.Providers;

/// <summary>How the engine should treat a failed provider call.</summary>
public enum ProviderErrorKind
{
    /// <summary>It may work if tried again: retry with exponential backoff and full jitter.</summary>
    Transient,

    /// <summary>The far side asked to slow down: retry after <see cref="ProviderError.RetryAfter"/>.</summary>
    Throttled,

    /// <summary>Trying again will not help.</summary>
    Permanent,
}
