namespace Baton.Values;

/// <summary>How <see cref="ValueJson"/> writes (and reads back) a value marked sensitive.</summary>
public enum SensitiveForm
{
    /// <summary>As its plain value: the mark is dropped. Ordinary JSON for HTTP bodies, provider payloads, <c>jsonencode</c>.</summary>
    Dropped,

    /// <summary>As the text <c>"(sensitive)"</c>, for people and clients that must never see a secret.</summary>
    Redacted,

    /// <summary>As <c>{"$sensitive": VALUE}</c>: marked, in plain text (test fixtures such as the sim world).</summary>
    Inline,

    /// <summary>As <c>{"$sensitive": {"plaintext": VALUE}}</c>: marked, in plain text (an explicit state export).</summary>
    Plaintext,

    /// <summary>As <c>{"$sensitive": "BASE64"}</c>: encrypted by an <see cref="ISecretProtector"/> (state at rest).</summary>
    Sealed,
}
