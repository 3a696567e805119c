using System.Globalization;

namespace Baton.Metrics;

/// <summary>Reads the CPU time of a process from the text of its <c>/proc/[pid]/stat</c>.</summary>
public static class ProcCpu
{
    /// <summary>The clock-tick rate (<c>sysconf(_SC_CLK_TCK)</c>) of every mainstream Linux build.</summary>
    public const long DefaultTicksPerSecond = 100;

    // Fields after the comm: state is field 3, so field n is at index n - 3.
    private const int UtimeIndex = 14 - 3;
    private const int StimeIndex = 15 - 3;
    private const int StartTimeIndex = 22 - 3;

    /// <summary>
    /// Reads <paramref name="statText"/>. The comm field is parenthesised and may itself hold spaces and
    /// <c>)</c>, so it runs to the <em>last</em> <c>)</c> of the text; the fields after it are split on spaces.
    /// </summary>
    public static TextParseResult<ProcCpuTimes> ParseStat(string statText)
    {
        var open = statText.IndexOf('(', StringComparison.Ordinal);
        var close = statText.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return Fail("the stat text has no parenthesised command name");
        }

        var pidText = statText[..open].Trim();
        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return Fail($"the pid \"{pidText}\" is not a non-negative integer");
        }

        var fields = statText[(close + 1)..].Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length <= StartTimeIndex)
        {
            return Fail($"the stat text has {fields.Length + 2} fields; at least {StartTimeIndex + 3} are needed");
        }

        if (fields[0].Length != 1)
        {
            return Fail($"the state \"{fields[0]}\" is not a single letter");
        }

        if (!TryTicks(fields[UtimeIndex], out var utime))
        {
            return Fail($"utime (field 14) \"{fields[UtimeIndex]}\" is not a non-negative integer");
        }

        if (!TryTicks(fields[StimeIndex], out var stime))
        {
            return Fail($"stime (field 15) \"{fields[StimeIndex]}\" is not a non-negative integer");
        }

        if (!TryTicks(fields[StartTimeIndex], out var start))
        {
            return Fail($"starttime (field 22) \"{fields[StartTimeIndex]}\" is not a non-negative integer");
        }

        return new TextParseResult<ProcCpuTimes>
        {
            Value = new ProcCpuTimes
            {
                Pid = pid,
                Comm = statText[(open + 1)..close],
                State = fields[0][0],
                UserTicks = utime,
                SystemTicks = stime,
                StartTicks = start,
            },
        };
    }

    private static bool TryTicks(string text, out long ticks) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ticks);

    private static TextParseResult<ProcCpuTimes> Fail(string error) => new() { Error = error };
}
