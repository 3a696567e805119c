namespace Baton.Server.Api;

/// <summary>The result of checking a webhook signature.</summary>
/// <param name="Valid">Whether the signature is good and in time.</param>
/// <param name="Why">Why it was refused; empty when valid.</param>
/// <param name="Delivery">The canonical signature (lower-case hexadecimal MAC) that names this delivery; empty when refused.</param>
/// <param name="ValidUntil">The last moment the signature is in time, after which it need not be remembered.</param>
public readonly record struct WebhookSignatureCheck(bool Valid, string Why, string Delivery, DateTimeOffset ValidUntil)
{
    /// <summary>A refusal for <paramref name="why"/>.</summary>
    public static WebhookSignatureCheck Refused(string why) => new(false, why, string.Empty, default);
}
