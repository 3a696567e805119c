using Baton.Diagnostics;

namespace Baton.Values;

/// <summary>
/// Keeps secrets out of text that quotes what it was given: an error from a function, a provider or a command may
/// repeat an argument, so every sensitive string (and number) found in the values it was given is replaced by
/// <see cref="ValueJson.SensitiveText"/> before the text is recorded, shown or sent anywhere. One rule for every
/// surface that reports errors about sensitive input.
/// </summary>
public static class SensitiveText
{
    /// <summary>Secrets shorter than this are replaced only where the text quotes them ("ab"), not in running text.</summary>
    private const int ShortestBareSecret = 3;

    /// <summary>Whether any of <paramref name="sources"/> holds a sensitive value.</summary>
    public static bool Any(ReadOnlySpan<Value> sources)
    {
        foreach (var source in sources)
        {
            if (source.ContainsSensitive)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><paramref name="text"/> with every sensitive value of <paramref name="sources"/> replaced.</summary>
    public static string Scrub(string text, params ReadOnlySpan<Value> sources)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Secrets(sources) is { } secrets ? Replace(text, secrets) : text;
    }

    /// <summary><paramref name="diagnostic"/> with its message, help and notes scrubbed of <paramref name="sources"/>.</summary>
    public static Diagnostic Scrub(Diagnostic diagnostic, params ReadOnlySpan<Value> sources)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        if (Secrets(sources) is not { } secrets)
        {
            return diagnostic;
        }

        return diagnostic with
        {
            Message = Replace(diagnostic.Message, secrets),
            Help = diagnostic.Help is null ? null : Replace(diagnostic.Help, secrets),
            Notes = [.. diagnostic.Notes.Select(n => n with { Message = Replace(n.Message, secrets) })],
        };
    }

    /// <summary>The sensitive strings of <paramref name="sources"/>, longest first; null when there are none.</summary>
    private static List<string>? Secrets(ReadOnlySpan<Value> sources)
    {
        if (!Any(sources))
        {
            return null;
        }

        var secrets = new List<string>();
        foreach (var source in sources)
        {
            Collect(source, false, secrets);
        }

        return [.. secrets.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
    }

    private static string Replace(string text, List<string> secrets)
    {
        foreach (var secret in secrets)
        {
            // Quoted first, so "secret" reads (sensitive) as a marked value does, not "(sensitive)".
            text = text.Replace($"\"{secret}\"", ValueJson.SensitiveText, StringComparison.Ordinal);
            if (secret.Length >= ShortestBareSecret)
            {
                text = text.Replace(secret, ValueJson.SensitiveText, StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static void Collect(Value value, bool sensitive, List<string> secrets)
    {
        sensitive |= value.IsSensitive;
        if (!value.IsKnown)
        {
            return;
        }

        switch (value.Kind)
        {
            case ValueKind.String when sensitive:
                secrets.Add(value.AsString());
                break;
            case ValueKind.Number when sensitive:
                secrets.Add(Value.FormatNumber(value.AsNumber()));
                break;
            case ValueKind.List:
                foreach (var item in value.AsList())
                {
                    Collect(item, sensitive, secrets);
                }

                break;
            case ValueKind.Map:
                foreach (var (key, item) in value.AsMap())
                {
                    if (sensitive)
                    {
                        secrets.Add(key);
                    }

                    Collect(item, sensitive, secrets);
                }

                break;
            default:
                break;
        }
    }
}
