using System.Xml.Linq;
using Baton.Engine.Scaling;
using Baton.Server.Dashboard;

namespace Baton.Server.Tests;

/// <summary>The dashboard's scaling chart: well-formed SVG with the replicas, the metric, the target and each change.</summary>
public sealed class ScalingChartTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Write_HistoryWithAScaleOut_DrawsTheLinesAndOneChangeMark()
    {
        var history = Enumerable.Range(0, 20)
            .Select(i => new ScalingSample(Start.AddSeconds(i), i < 10 ? 1 : 3, i == 5 ? null : (i < 10 ? 80.0 : 25.0), 3))
            .ToArray();
        var status = new AutoscalerStatus { Address = "web", Metric = "rps", Target = 20, Min = 1, Max = 4, Replicas = 3, History = [.. history] };

        var svg = XElement.Parse(ScalingChart.Write(status));
        XNamespace ns = "http://www.w3.org/2000/svg";

        Assert.Single(svg.Descendants(ns + "circle"), c => (string?)c.Attribute("class") == "change");
        Assert.Single(svg.Descendants(ns + "path"), p => (string?)p.Attribute("class") == "replicas");
        var metric = svg.Descendants(ns + "path").Single(p => (string?)p.Attribute("class") == "metric");
        Assert.Equal(2, ((string)metric.Attribute("d")!).Split('M', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Single(svg.Descendants(ns + "line"), l => (string?)l.Attribute("class") == "target");
    }

    [Fact]
    public void Write_NoHistoryYet_SaysSo()
    {
        var svg = ScalingChart.Write(new AutoscalerStatus { Address = "web", Metric = "cpu", Target = 50, Min = 1, Max = 2 });

        Assert.Contains("collecting", svg, StringComparison.Ordinal);
        XElement.Parse(svg);
    }
}
