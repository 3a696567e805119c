using System.Globalization;

namespace Baton.Providers.Host;

/// <summary>
/// Cron schedules as crontab(5) writes them: five fields (minute, hour, day of month, month, day of week), each
/// <c>*</c>, a number, a range <c>a-b</c>, either with a step <c>/n</c>, or a comma list of those (months and days
/// may be named: jan…dec, sun…sat); or one of the <c>@</c> words.
/// </summary>
internal static class CronSchedules
{
    private static readonly string[] Words = ["@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

    private static readonly (string Name, int Min, int Max, string[] Names)[] Fields =
    [
        ("minute", 0, 59, []),
        ("hour", 0, 23, []),
        ("day of month", 1, 31, []),
        ("month", 1, 12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        ("day of week", 0, 7, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ];

    /// <summary>The schedule with its fields separated by one space, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static string? Normalize(string schedule, out string? error)
    {
        error = null;
        var fields = schedule.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields is [var word] && word.StartsWith('@'))
        {
            if (Words.Contains(word.ToLowerInvariant(), StringComparer.Ordinal))
            {
                return word.ToLowerInvariant();
            }

            error = $"\"{word}\" is not one of {string.Join(", ", Words)}";
            return null;
        }

        if (fields.Length != 5)
        {
            error = $"expected five fields (minute hour day-of-month month day-of-week) or one of {string.Join(", ", Words)}, got {fields.Length} field{(fields.Length == 1 ? string.Empty : "s")}";
            return null;
        }

        for (var i = 0; i < 5; i++)
        {
            if (FieldProblem(fields[i], Fields[i].Min, Fields[i].Max, Fields[i].Names) is { } problem)
            {
                error = $"{Fields[i].Name} \"{fields[i]}\": {problem}";
                return null;
            }
        }

        return string.Join(' ', fields);
    }

    private static string? FieldProblem(string field, int min, int max, string[] names)
    {
        foreach (var item in field.Split(','))
        {
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            var range = slash < 0 ? item : item[..slash];
            if (slash >= 0 && (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step < 1))
            {
                return $"the step of \"{item}\" is not a whole number from 1";
            }

            if (range == "*")
            {
                continue;
            }

            var dash = range.IndexOf('-', StringComparison.Ordinal);
            string[] bounds = dash < 0 ? [range] : [range[..dash], range[(dash + 1)..]];
            foreach (var bound in bounds)
            {
                if (Number(bound, names) is not { } number || number < min || number > max)
                {
                    return $"\"{bound}\" is not {(names.Length > 0 ? "a name or " : string.Empty)}a number from {min} to {max}";
                }
            }
        }

        return null;
    }

    private static int? Number(string text, string[] names)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var at = Array.IndexOf(names, text.ToLowerInvariant());
        return at < 0 ? null : at + (names.Length == 12 ? 1 : 0);
    }
}
