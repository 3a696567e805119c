using System.Xml.Linq;
using Baton.Drawing.Layout;

namespace Baton.Libraries.Tests.Drawing.Layout;

public sealed class TimelineSvgWriterTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>
    /// A deploy: app waited for the network (done at 3s) more than for the database (done at 2s), and deploy for
    /// app (6s) more than for the cache (5s), so the critical path is plan, network, app, deploy.
    /// </summary>
    private static readonly TimelineBar[] Deploy =
    [
        Bar("plan", 0, 1),
        Bar("dns", 0, 0.5),
        Bar("network", 1, 3, "plan"),
        Bar("db", 1, 2, "plan"),
        Bar("app", 3, 6, "db", "network"),
        Bar("cache", 2, 5, "db"),
        Bar("deploy", 6, 8, "cache", "app", "no-such-bar"),
    ];

    [Fact]
    public void Find_HandMadeRun_FollowsTheDependencyThatFinishedLast()
    {
        Assert.Equal<string>(["plan", "network", "app", "deploy"], TimelineCriticalPath.Find(Deploy));
    }

    [Fact]
    public void Find_Empty_IsEmpty()
    {
        Assert.Empty(TimelineCriticalPath.Find([]));
    }

    [Fact]
    public void Find_TieOnEnd_TakesTheBarListedFirst()
    {
        TimelineBar[] bars = [Bar("b", 0, 2), Bar("a", 0, 2), Bar("c", 2, 3, "a", "b")];

        Assert.Equal<string>(["b", "c"], TimelineCriticalPath.Find(bars));
    }

    [Fact]
    public void Find_DependencyEndingAfterTheStart_IsTakenOnlyWhenNoneEndedBefore()
    {
        // Clocks disagree: "slow" ends after "next" started. A dependency that did end in time wins over it;
        // without one, the latest dependency still continues the path.
        TimelineBar[] withOnTime = [Bar("slow", 0, 4), Bar("quick", 0, 1), Bar("next", 3, 9, "slow", "quick")];
        TimelineBar[] withoutOnTime = [Bar("slow", 0, 4), Bar("next", 3, 9, "slow")];

        Assert.Equal<string>(["quick", "next"], TimelineCriticalPath.Find(withOnTime));
        Assert.Equal<string>(["slow", "next"], TimelineCriticalPath.Find(withoutOnTime));
    }

    [Fact]
    public void Find_DependencyCycleInTheData_Ends()
    {
        TimelineBar[] bars = [Bar("a", 0, 1, "b"), Bar("b", 0, 2, "a")];

        Assert.Equal<string>(["a", "b"], TimelineCriticalPath.Find(bars));
    }

    [Fact]
    public void Find_DefaultDependencies_CountAsNone()
    {
        TimelineBar[] bars = [Bar("a", 0, 1), Bar("b", 1, 2) with { Dependencies = default }];

        Assert.Equal<string>(["b"], TimelineCriticalPath.Find(bars));
    }

    [Fact]
    public void Find_BadBars_Throw()
    {
        Assert.Throws<ArgumentException>(() => TimelineCriticalPath.Find([Bar("a", 0, 1), Bar("a", 1, 2)]));
        Assert.Throws<ArgumentException>(() => TimelineCriticalPath.Find([Bar("a", 2, 1)]));
    }

    [Fact]
    public void Write_HandMadeRun_MarksTheCriticalBarsAndDrawsAnAxis()
    {
        var document = XDocument.Parse(TimelineSvgWriter.Write(Deploy));

        var bars = document.Descendants(Svg + "g").Where(g => g.Attribute("data-id") is not null).ToList();
        Assert.Equal(Deploy.Select(b => b.Id), bars.Select(b => (string?)b.Attribute("data-id")));
        Assert.Equal(
            ["plan", "network", "app", "deploy"],
            bars.Where(b => ((string)b.Attribute("class")!).Split(' ').Contains("critical")).Select(b => (string?)b.Attribute("data-id")));
        Assert.Equal("bar status-ready critical", (string?)bars[0].Attribute("class"));
        Assert.Equal<string>(["0s", "1s", "2s", "3s", "4s", "5s", "6s", "7s", "8s"], TickLabels(document));
        Assert.Equal(3, document.Descendants(Svg + "path").Count(p => (string?)p.Attribute("class") == "critical-link"));

        // 8 seconds over 800 units: "app" runs from 3s to 6s, after the 8-unit margin and 200-unit label column.
        var app = bars[4].Element(Svg + "rect")!;
        Assert.Equal("508", (string?)app.Attribute("x"));
        Assert.Equal("300", (string?)app.Attribute("width"));
        Assert.Equal("app: 3s to 6s (3s)", bars[4].Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Write_AwkwardText_IsEscaped()
    {
        var label = "db <\"primary\"> & 'replica'";
        TimelineBar[] bars = [Bar("a&b", 0, 1) with { Label = label, Status = "<failed>" }];

        var document = XDocument.Parse(TimelineSvgWriter.Write(bars, new TimelineSvgOptions { Title = "Run <42> & co" }));

        var bar = document.Descendants(Svg + "g").Single(g => g.Attribute("data-id") is not null);
        Assert.Equal("a&b", (string?)bar.Attribute("data-id"));
        Assert.Equal(label, bar.Element(Svg + "text")!.Value);
        Assert.Equal("bar status--failed- critical", (string?)bar.Attribute("class"));
        Assert.Equal("Run <42> & co", document.Root!.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Write_Empty_IsAWellFormedChartWithAnAxis()
    {
        var document = XDocument.Parse(TimelineSvgWriter.Write([]));

        Assert.Empty(document.Descendants(Svg + "rect"));
        Assert.Equal("0s", TickLabels(document)[0]);
        Assert.Equal("1s", TickLabels(document)[^1]);
    }

    [Theory]
    [InlineData(8_000, 1_000)]
    [InlineData(10_000, 1_000)]
    [InlineData(11_000, 2_000)]
    [InlineData(45_000, 5_000)]
    [InlineData(100, 10)]
    [InlineData(2_500, 500)]
    [InlineData(140_000, 15_000)]
    [InlineData(5_400_000, 600_000)]
    [InlineData(30 * 3_600_000, 3 * 3_600_000)]
    public void TickStep_Span_GivesAtMostTenRoundIntervals(long spanMs, long stepMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(stepMs), TimelineSvgWriter.TickStep(TimeSpan.FromMilliseconds(spanMs)));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(250, "250ms")]
    [InlineData(1_500, "1.5s")]
    [InlineData(45_000, "45s")]
    [InlineData(120_000, "2m")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h")]
    [InlineData(8_100_000, "2h15m")]
    [InlineData(-2_000, "-2s")]
    public void FormatDuration_Value_IsShort(long ms, string expected)
    {
        Assert.Equal(expected, TimelineSvgWriter.FormatDuration(TimeSpan.FromMilliseconds(ms)));
    }

    private static TimelineBar Bar(string id, double start, double end, params string[] dependencies) => new()
    {
        Id = id,
        Start = TimeSpan.FromSeconds(start),
        End = TimeSpan.FromSeconds(end),
        Status = "ready",
        Dependencies = [.. dependencies],
    };

    private static List<string> TickLabels(XDocument document) =>
        [.. document.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "tick-label").Select(t => t.Value)];
}
