using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Baton.Values;

namespace Baton.Providers.Http;

/// <summary>Durations as the http provider reads them: <c>"150ms"</c>, <c>"1.5s"</c>, <c>"2m"</c>, <c>"1h"</c>, <c>"250us"</c>, or a bare number of milliseconds.</summary>
internal static class HttpDuration
{
    public static bool TryParse(Value value, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = TimeSpan.Zero;
        error = null;
        switch (value.Kind)
        {
            case ValueKind.Null:
                return true;
            case ValueKind.Number:
                var milliseconds = value.AsNumber();
                if (milliseconds < 0)
                {
                    error = $"{value} is negative";
                    return false;
                }

                duration = TimeSpan.FromMilliseconds(milliseconds);
                return true;
            case ValueKind.String:
                return TryParse(value.AsString(), out duration, out error);
            default:
                error = $"{value} is not a duration such as \"150ms\"";
                return false;
        }
    }

    public static bool TryParse(string text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = TimeSpan.Zero;
        error = null;
        var trimmed = text.Trim();
        var unitStart = trimmed.Length;
        while (unitStart > 0 && char.IsAsciiLetter(trimmed[unitStart - 1]))
        {
            unitStart--;
        }

        var unit = trimmed[unitStart..];
        var number = trimmed[..unitStart];
        double scale = unit switch
        {
            "" when number == "0" => 1,
            "us" or "µs" => 0.001,
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => -1,
        };
        if (scale < 0
            || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || !double.IsFinite(amount * scale))
        {
            error = $"\"{text}\" is not a duration such as \"150ms\", \"2s\" or \"1m\"";
            return false;
        }

        duration = TimeSpan.FromMilliseconds(amount * scale);
        return true;
    }
}
