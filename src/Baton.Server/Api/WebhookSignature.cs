namespace Baton.Server.Api;

/// <summary>How webhook requests are signed.</summary>
public static class WebhookSignature
{
    /// <summary>The header carrying <c>t=UNIX_SECONDS,sha256=HEX</c>, the HMAC-SHA256 of <c>UNIX_SECONDS.BODY</c>.</summary>
    public const string Header = "X-Baton-Signature";
}
