using System.Globalization;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>Durations as written in stack files: <c>"500ms"</c>, <c>"10s"</c>, <c>"2m"</c>, or a number of seconds.</summary>
internal static class Durations
{
    public static bool TryParse(Value value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (value.Kind == ValueKind.Number)
        {
            duration = TimeSpan.FromSeconds(value.AsNumber());
            return value.AsNumber() >= 0;
        }

        if (value.Kind != ValueKind.String)
        {
            return false;
        }

        var text = value.AsString().Trim();
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && amount >= 0)
            {
                duration = TimeSpan.FromSeconds(amount * scale);
                return true;
            }
        }

        return false;
    }
}
