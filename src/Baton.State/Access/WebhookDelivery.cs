namespace Baton.Access;

/// <summary>A webhook request that was accepted, remembered by its signature until that signature expires.</summary>
public sealed record WebhookDelivery
{
    /// <summary>The request's canonical signature (lower-case hexadecimal HMAC): the same request signs the same.</summary>
    public required string Signature { get; init; }

    /// <summary>The stack the webhook belongs to.</summary>
    public required string Stack { get; init; }

    /// <summary>The workflow it starts.</summary>
    public required string Workflow { get; init; }

    /// <summary>When it was accepted.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When its signature goes out of date: after this it would be refused anyway, so it can be forgotten.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
