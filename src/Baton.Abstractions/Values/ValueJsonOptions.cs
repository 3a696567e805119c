using System.Text.Encodings.Web;

namespace Baton.Values;

/// <summary>
/// The one choice a caller of <see cref="ValueJson"/> makes: how sensitive and unknown values are written, and the
/// escaping of the text. The marked forms (<see cref="SensitiveForm.Inline"/>, <see cref="SensitiveForm.Plaintext"/>,
/// <see cref="SensitiveForm.Sealed"/>) also escape map keys starting with <c>$</c> by doubling it, so user data never
/// looks like a marker, and refuse duplicate keys when reading.
/// </summary>
public sealed record ValueJsonOptions
{
    /// <summary>Ordinary JSON with standard escaping: sensitive marks dropped, unknown values refused.</summary>
    public static ValueJsonOptions Plain { get; } = new();

    /// <summary>For people and API clients: sensitive parts as <c>"(sensitive)"</c>, unknown parts as <c>"(known after apply)"</c>.</summary>
    public static ValueJsonOptions Redacted { get; } = new() { Sensitive = SensitiveForm.Redacted, RedactUnknown = true };

    /// <summary>Marked in plain text as <c>{"$sensitive": VALUE}</c>, escaping only what JSON requires.</summary>
    public static ValueJsonOptions Inline { get; } = new() { Sensitive = SensitiveForm.Inline, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>How sensitive values are written.</summary>
    public SensitiveForm Sensitive { get; init; }

    /// <summary>Whether an unknown value is written as <c>"(known after apply)"</c>; otherwise writing one throws.</summary>
    public bool RedactUnknown { get; init; }

    /// <summary>The protector that seals (and opens) sensitive values in the <see cref="SensitiveForm.Sealed"/> form.</summary>
    public ISecretProtector? Protector { get; init; }

    /// <summary>Where the value lives (see <see cref="ValueJson.SecretContext"/>): bound into each sealed value with its path.</summary>
    public string Context { get; init; } = string.Empty;

    /// <summary>The escaping used by <see cref="ValueJson.ToJson(Value, ValueJsonOptions)"/> and <see cref="ValueJson.ToUtf8(Value, ValueJsonOptions)"/>; null for the standard one.</summary>
    public JavaScriptEncoder? Encoder { get; init; }

    /// <summary>Whether sensitive values carry the <c>$sensitive</c> marker (and <c>$</c> keys are escaped).</summary>
    public bool Marked => Sensitive is SensitiveForm.Inline or SensitiveForm.Plaintext or SensitiveForm.Sealed;

    /// <summary>
    /// State's form: sealed by <paramref name="protector"/> in <paramref name="context"/>, or in plain text when
    /// <paramref name="plaintextSecrets"/> (an explicit export); compact, escaping only what JSON requires.
    /// </summary>
    public static ValueJsonOptions Stored(ISecretProtector? protector, string context, bool plaintextSecrets = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new()
        {
            Sensitive = plaintextSecrets ? SensitiveForm.Plaintext : SensitiveForm.Sealed,
            Protector = protector,
            Context = context,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }
}
