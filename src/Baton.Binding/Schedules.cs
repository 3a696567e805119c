using System.Diagnostics.CodeAnalysis;
using Cronos;

namespace Baton.Binding;

/// <summary>Reading workflow schedules: cron expressions (Cronos) and IANA time zones.</summary>
public static class Schedules
{
    /// <summary>Parses five fields (minute first), six (seconds first), or a macro such as <c>@daily</c>; throws <see cref="CronFormatException"/>.</summary>
    public static CronExpression ParseCron(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }

    /// <summary>The time zone named <paramref name="name"/> (IANA), if this machine has it.</summary>
    public static bool TryFindTimeZone(string name, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(name);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = null;
            return false;
        }
    }
}
