namespace Baton.Providers;

/// <summary>A provider call that failed, and whether trying again may help.</summary>
public sealed record ProviderError(ProviderErrorKind Kind, string Message)
{
    /// <summary>For throttling: how long the far side asked to wait.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>A failure that may pass.</summary>
    public static ProviderError Transient(string message) => new(ProviderErrorKind.Transient, message);

    /// <summary>A request to slow down.</summary>
    public static ProviderError Throttled(string message, TimeSpan? retryAfter = null) =>
        new(ProviderErrorKind.Throttled, message) { RetryAfter = retryAfter };

    /// <summary>A failure that will not pass.</summary>
    public static ProviderError Permanent(string message) => new(ProviderErrorKind.Permanent, message);
}
