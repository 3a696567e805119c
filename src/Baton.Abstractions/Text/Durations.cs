using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Baton.Values;

namespace Baton.Text;

/// <summary>
/// Durations as written in stack files and provider properties: <c>250us</c>, <c>150ms</c>, <c>2s</c>, <c>5m</c>,
/// <c>1h30m</c>, <c>1d</c>, or a bare number of seconds. One parser, so a duration means the same everywhere.
/// </summary>
public static class Durations
{
    /// <summary>Parses a duration; false for anything else, including negative durations.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                return false;
            }

            duration = FromSeconds(seconds);
            return true;
        }

        var position = 0;
        var total = 0.0;
        while (position < text.Length)
        {
            var start = position;
            while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] == '.'))
            {
                position++;
            }

            if (start == position || !double.TryParse(text.AsSpan(start, position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            var unitStart = position;
            while (position < text.Length && (char.IsAsciiLetter(text[position]) || text[position] == 'µ'))
            {
                position++;
            }

            double? unit = text[unitStart..position] switch
            {
                "us" or "µs" => 0.000001,
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86400,
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            total += amount * unit.Value;
        }

        if (total > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = FromSeconds(total);
        return true;
    }

    // TimeSpan.FromSeconds truncates to ticks, and a sum such as 100d…245ms lands a hair below the exact tick in
    // floating point; round so that TryParse(Format(d)) gives d back.
    private static TimeSpan FromSeconds(double seconds) => TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    /// <summary>
    /// Reads a duration from a value: a string as above, a number of seconds, or null (zero). The error names the
    /// value and the accepted forms.
    /// </summary>
    public static bool TryParse(Value value, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        duration = TimeSpan.Zero;
        error = null;
        switch (value.Kind)
        {
            case ValueKind.Null:
                return true;
            case ValueKind.Number when value.AsNumber() >= 0 && value.AsNumber() <= TimeSpan.MaxValue.TotalSeconds / 2:
                duration = TimeSpan.FromSeconds(value.AsNumber());
                return true;
            case ValueKind.String when TryParse(value.AsString(), out duration):
                return true;
            default:
                error = $"{value} is not a duration such as \"150ms\", \"2s\" or \"1m\"";
                return false;
        }
    }

    /// <summary>Formats a duration the way stack files write it (<c>1h30m</c>, <c>250ms</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (duration.Days > 0)
        {
            builder.Append(duration.Days).Append('d');
        }

        if (duration.Hours > 0)
        {
            builder.Append(duration.Hours).Append('h');
        }

        if (duration.Minutes > 0)
        {
            builder.Append(duration.Minutes).Append('m');
        }

        if (duration.Seconds > 0)
        {
            builder.Append(duration.Seconds).Append('s');
        }

        if (duration.Milliseconds > 0)
        {
            builder.Append(duration.Milliseconds).Append("ms");
        }

        return builder.ToString();
    }

    /// <summary>Parses a duration or returns null.</summary>
    [return: NotNullIfNotNull(nameof(fallback))]
    public static TimeSpan? ParseOrDefault(string? text, TimeSpan? fallback = null) =>
        text is not null && TryParse(text, out var duration) ? duration : fallback;
}
