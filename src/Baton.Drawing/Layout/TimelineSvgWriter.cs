using System.Globalization;
using System.Text;

namespace Baton.Drawing.Layout;

/// <summary>
/// Draws a run as a Gantt chart: one row per <see cref="TimelineBar"/>, in the order given, under a time axis
/// with 5 to 10 round ticks (<c>0s</c>, <c>1s</c>, <c>2s</c>… or <c>0s</c>, <c>5m</c>, <c>10m</c>…). Like
/// <see cref="SvgGraphWriter"/> it writes no scripts and no inline styles, only classes:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>svg.baton-timeline</c> (see <see cref="TimelineSvgOptions.CssClass"/>) with a <c>viewBox</c>;</item>
/// <item><c>g.axis</c> with <c>line.tick</c> grid lines and <c>text.tick-label</c>s;</item>
/// <item><c>g.bar.status-&lt;status&gt;</c> per bar with <c>data-id</c>, a <c>text.bar-label</c>, a
/// <c>rect.bar-rect</c> and a <c>title</c> with the label and times; bars on the critical path (see
/// <see cref="TimelineCriticalPath"/>) also have the class <c>critical</c>;</item>
/// <item><c>path.critical-link</c> from the end of each critical bar to the start of the next.</item>
/// </list>
/// All caller text is XML-escaped.
/// </remarks>
public static class TimelineSvgWriter
{
    private const double TickLabelOverhang = 24;

    private static readonly long[] Steps = [.. BuildSteps()];

    /// <summary>Returns the SVG markup of a chart.</summary>
    /// <param name="bars">The bars, top to bottom, with unique ids.</param>
    /// <param name="options">Drawing settings; <see cref="TimelineSvgOptions.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Two bars share an id, or a bar ends before it starts.</exception>
    public static string Write(IReadOnlyList<TimelineBar> bars, TimelineSvgOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bars);
        options ??= TimelineSvgOptions.Default;
        options.Validate();
        var critical = TimelineCriticalPath.Find(bars);
        var onPath = critical.ToHashSet(StringComparer.Ordinal);

        var origin = TimeSpan.Zero;
        var last = TimeSpan.Zero;
        foreach (var bar in bars)
        {
            origin = bar.Start < origin ? bar.Start : origin;
            last = bar.End > last ? bar.End : last;
        }

        // An empty or instant run still gets a one-second axis.
        var span = last > origin ? last - origin : TimeSpan.FromSeconds(1);
        var step = TickStep(span);
        var first = FloorTo(origin, step);
        var end = CeilingTo(origin + span, step);
        if (end <= first)
        {
            end = first + step;
        }

        var scale = options.ChartWidth / (end - first).Ticks;
        var left = options.Margin + options.LabelWidth;
        var top = options.Margin + options.AxisHeight;
        // The last tick label is centred on the right end of the axis, so half of it needs room past the chart.
        var width = left + options.ChartWidth + Math.Max(options.Margin, TickLabelOverhang);
        var height = top + (bars.Count * options.RowHeight) + options.Margin;
        double X(TimeSpan t) => left + ((t - first).Ticks * scale);

        var text = new StringBuilder(512 + (bars.Count * 320));
        text.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").AppendEscaped(options.CssClass)
            .Append("\" viewBox=\"0 0 ").AppendNumber(width).Append(' ').AppendNumber(height).Append('"');
        if (options.Title is { } title)
        {
            text.Append(" role=\"img\" aria-label=\"").AppendEscaped(title).Append("\">\n<title>").AppendEscaped(title).Append("</title>\n");
        }
        else
        {
            text.Append(">\n");
        }

        text.Append("<g class=\"axis\">\n");
        for (var t = first; t <= end; t += step)
        {
            var x = X(t);
            text.Append("<line class=\"tick\" x1=\"").AppendNumber(x).Append("\" y1=\"").AppendNumber(top)
                .Append("\" x2=\"").AppendNumber(x).Append("\" y2=\"").AppendNumber(height - options.Margin).Append("\"/>");
            text.Append("<text class=\"tick-label\" x=\"").AppendNumber(x).Append("\" y=\"").AppendNumber(top - 6)
                .Append("\" text-anchor=\"middle\">").Append(FormatDuration(t)).Append("</text>\n");
        }

        text.Append("</g>\n<g class=\"bars\">\n");
        var maxLabel = Math.Max(1, (int)Math.Floor((options.LabelWidth - 8) / options.CharacterWidth));
        for (var row = 0; row < bars.Count; row++)
        {
            var bar = bars[row];
            var label = bar.Label ?? bar.Id;
            var middle = top + ((row + 0.5) * options.RowHeight);
            text.Append("<g class=\"bar");
            if (SvgMarkup.ClassName(bar.Status) is { } status)
            {
                text.Append(" status-").Append(status);
            }

            if (onPath.Contains(bar.Id))
            {
                text.Append(" critical");
            }

            text.Append("\" data-id=\"").AppendEscaped(bar.Id).Append("\"><title>").AppendEscaped(label).Append(": ")
                .Append(FormatDuration(bar.Start)).Append(" to ").Append(FormatDuration(bar.End))
                .Append(" (").Append(FormatDuration(bar.End - bar.Start)).Append(")</title>");
            text.Append("<text class=\"bar-label\" x=\"").AppendNumber(options.Margin).Append("\" y=\"").AppendNumber(middle)
                .Append("\" dominant-baseline=\"central\">").AppendEscaped(SvgMarkup.Truncate(label, maxLabel, out _)).Append("</text>");
            text.Append("<rect class=\"bar-rect\" x=\"").AppendNumber(X(bar.Start)).Append("\" y=\"").AppendNumber(middle - (options.BarHeight / 2))
                .Append("\" width=\"").AppendNumber(Math.Max(1, X(bar.End) - X(bar.Start))).Append("\" height=\"").AppendNumber(options.BarHeight)
                .Append("\"/></g>\n");
        }

        text.Append("</g>\n");
        AppendCriticalLinks(text, bars, critical, X, top, options.RowHeight);
        text.Append("</svg>\n");
        return text.ToString();
    }

    /// <summary>
    /// The smallest round step (1, 2 or 5 of a unit; 15 and 30 for seconds and minutes; hours up to days) that
    /// splits <paramref name="span"/> into at most 10 intervals, so a chart gets 5 to 10 ticks.
    /// </summary>
    internal static TimeSpan TickStep(TimeSpan span)
    {
        foreach (var step in Steps)
        {
            if (span.Ticks <= step * 10)
            {
                return TimeSpan.FromTicks(step);
            }
        }

        var days = TimeSpan.TicksPerDay;
        while (span.Ticks > days * 10)
        {
            days *= 2;
        }

        return TimeSpan.FromTicks(days);
    }

    /// <summary>A short duration: <c>0s</c>, <c>250ms</c>, <c>1.5s</c>, <c>45s</c>, <c>2m</c>, <c>1m30s</c>, <c>1h</c>, <c>2h15m</c>.</summary>
    internal static string FormatDuration(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            return "-" + FormatDuration(value.Duration());
        }

        var culture = CultureInfo.InvariantCulture;
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            return value.TotalMilliseconds.ToString("0.#", culture) + "ms";
        }

        if (value < TimeSpan.FromMinutes(1))
        {
            return value.TotalSeconds.ToString("0.##", culture) + "s";
        }

        if (value < TimeSpan.FromHours(1))
        {
            var minutes = (int)value.TotalMinutes;
            var seconds = Math.Round(value.TotalSeconds - (minutes * 60), 1);
            return seconds == 0 ? $"{minutes}m" : $"{minutes}m" + seconds.ToString("0.#", culture) + "s";
        }

        var hours = (long)value.TotalHours;
        var rest = (int)Math.Round(value.TotalMinutes - (hours * 60));
        return rest == 0 ? $"{hours}h" : $"{hours}h{rest}m";
    }

    private static void AppendCriticalLinks(StringBuilder text, IReadOnlyList<TimelineBar> bars, IReadOnlyList<string> critical, Func<TimeSpan, double> x, double top, double rowHeight)
    {
        if (critical.Count < 2)
        {
            return;
        }

        var row = new Dictionary<string, int>(bars.Count, StringComparer.Ordinal);
        for (var i = 0; i < bars.Count; i++)
        {
            row[bars[i].Id] = i;
        }

        text.Append("<g class=\"critical-links\">\n");
        for (var i = 1; i < critical.Count; i++)
        {
            var from = row[critical[i - 1]];
            var to = row[critical[i]];
            text.Append("<path class=\"critical-link\" d=\"M").AppendNumber(x(bars[from].End)).Append(',').AppendNumber(top + ((from + 0.5) * rowHeight))
                .Append('L').AppendNumber(x(bars[to].Start)).Append(',').AppendNumber(top + ((to + 0.5) * rowHeight)).Append("\"/>\n");
        }

        text.Append("</g>\n");
    }

    private static TimeSpan FloorTo(TimeSpan value, TimeSpan step) =>
        TimeSpan.FromTicks((long)Math.Floor((double)value.Ticks / step.Ticks) * step.Ticks);

    private static TimeSpan CeilingTo(TimeSpan value, TimeSpan step) =>
        TimeSpan.FromTicks((long)Math.Ceiling((double)value.Ticks / step.Ticks) * step.Ticks);

    private static IEnumerable<long> BuildSteps()
    {
        // From 1 ms: 1-2-5 below a second, then clock-friendly steps.
        for (var unit = TimeSpan.TicksPerMillisecond; unit < TimeSpan.TicksPerSecond; unit *= 10)
        {
            yield return unit;
            yield return 2 * unit;
            yield return 5 * unit;
        }

        foreach (var seconds in (int[])[1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400])
        {
            yield return seconds * TimeSpan.TicksPerSecond;
        }
    }
}
