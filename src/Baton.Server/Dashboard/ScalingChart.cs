using System.Globalization;
using System.Text;
using Baton.Engine.Scaling;

namespace Baton.Server.Dashboard;

/// <summary>
/// An autoscaled service's last minutes as an SVG chart: replicas as a step line (left axis), the metric per replica
/// as a line with the target dashed (right axis), and a mark at each change of replicas.
/// </summary>
internal static class ScalingChart
{
    private const double Width = 860;
    private const double Height = 260;
    private const double Left = 48;
    private const double Right = 64;
    private const double Top = 16;
    private const double Bottom = 28;

    public static string Write(AutoscalerStatus status)
    {
        var samples = status.History;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"baton-scaling\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\">");
        svg.Append("<title>").Append(Escape($"{status.Address}: replicas and {status.Metric} per replica")).Append("</title>");
        if (samples.Length < 2)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"empty\" x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\">collecting…</text></svg>");
            return svg.ToString();
        }

        var start = samples[0].At;
        var span = Math.Max(1, (samples[^1].At - start).TotalSeconds);
        var maxReplicas = Math.Max(status.Max, samples.Max(s => Math.Max(s.Replicas, s.Desired)));
        var maxMetric = Math.Max(status.Target * 1.5, samples.Where(s => s.Metric is not null).Select(s => s.Metric!.Value).DefaultIfEmpty(0).Max() * 1.1);
        double X(DateTimeOffset at) => Left + ((at - start).TotalSeconds / span * (Width - Left - Right));
        double YReplicas(double r) => Top + ((1 - (r / maxReplicas)) * (Height - Top - Bottom));
        double YMetric(double m) => Top + ((1 - (m / maxMetric)) * (Height - Top - Bottom));

        // Axes and grid.
        for (var r = 0; r <= maxReplicas; r++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(YReplicas(r))}\" y2=\"{F(YReplicas(r))}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis replicas\" x=\"{Left - 8}\" y=\"{F(YReplicas(r) + 4)}\" text-anchor=\"end\">{r}</text>");
        }

        foreach (var m in new[] { 0, maxMetric / 2, maxMetric })
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis metric\" x=\"{Width - Right + 8}\" y=\"{F(YMetric(m) + 4)}\">{m:0.#}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{Left}\" y=\"{Height - 8}\">−{F(span)} s</text><text class=\"axis\" x=\"{Width - Right}\" y=\"{Height - 8}\" text-anchor=\"end\">now</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"target\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(YMetric(status.Target))}\" y2=\"{F(YMetric(status.Target))}\"><title>target {status.Target}</title></line>");

        // The metric, broken where it could not be read.
        var metric = new StringBuilder();
        var pen = false;
        foreach (var s in samples)
        {
            if (s.Metric is not { } value)
            {
                pen = false;
                continue;
            }

            metric.Append(pen ? " L" : " M").Append(F(X(s.At))).Append(' ').Append(F(YMetric(value)));
            pen = true;
        }

        svg.Append(CultureInfo.InvariantCulture, $"<path class=\"metric\" d=\"{metric.ToString().Trim()}\"/>");

        // Replicas as steps, and a mark at each change.
        var steps = new StringBuilder().Append('M').Append(F(X(samples[0].At))).Append(' ').Append(F(YReplicas(samples[0].Replicas)));
        for (var i = 1; i < samples.Length; i++)
        {
            steps.Append(" L").Append(F(X(samples[i].At))).Append(' ').Append(F(YReplicas(samples[i - 1].Replicas)));
            steps.Append(" L").Append(F(X(samples[i].At))).Append(' ').Append(F(YReplicas(samples[i].Replicas)));
            if (samples[i].Replicas != samples[i - 1].Replicas)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"change\" cx=\"{F(X(samples[i].At))}\" cy=\"{F(YReplicas(samples[i].Replicas))}\" r=\"4\"><title>{samples[i - 1].Replicas} → {samples[i].Replicas} replicas</title></circle>");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<path class=\"replicas\" d=\"{steps}\"/>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
