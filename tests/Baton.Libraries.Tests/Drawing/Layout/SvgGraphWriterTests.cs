using System.Xml.Linq;
using Baton.Libraries.Tests.Graph;
using Baton.Drawing;
using Baton.Drawing.Layout;
using CsCheck;

namespace Baton.Libraries.Tests.Drawing.Layout;

public sealed class SvgGraphWriterTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly string[] Statuses = ["pending", "creating", "ready", "failed", "drifted", "unhealthy"];

    private static SvgNodeContent Content(int v) => new() { Address = $"aws_instance.web[{v}]", Status = Statuses[v % Statuses.Length] };

    [Fact]
    public void Write_Graph_HasOneGroupPerNodeAndOnePathPerEdge()
    {
        var graph = TestGraphs.Build(4, (1, 0), (2, 0), (3, 1), (3, 2));
        var layout = LayeredLayout.Compute(graph);

        var document = XDocument.Parse(SvgGraphWriter.Write(layout, Content));

        var root = document.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal($"0 0 {layout.Width} {layout.Height}", (string?)root.Attribute("viewBox"));
        var groups = root.Descendants(Svg + "g").Where(g => ((string?)g.Attribute("class"))?.Split(' ').Contains("node") == true).ToList();
        Assert.Equal(4, groups.Count);
        Assert.Equal(["graph-node-0", "graph-node-1", "graph-node-2", "graph-node-3"], groups.Select(g => (string?)g.Attribute("id")));
        Assert.Equal("node status-creating", (string?)groups[1].Attribute("class"));
        Assert.Equal("aws_instance.web[1]", (string?)groups[1].Attribute("data-address"));
        Assert.All(groups, g => Assert.Single(g.Elements(Svg + "rect")));
        var edges = root.Descendants(Svg + "path").Where(p => (string?)p.Attribute("class") == "edge").ToList();
        Assert.Equal(4, edges.Count);
        Assert.All(edges, e => Assert.Equal("url(#graph-arrow)", (string?)e.Attribute("marker-end")));
        Assert.Equal("aws_instance.web[1]", (string?)edges[0].Attribute("data-dependent"));
        Assert.Equal("aws_instance.web[0]", (string?)edges[0].Attribute("data-dependency"));
        Assert.Empty(root.Descendants(Svg + "script"));
        Assert.DoesNotContain(root.Descendants(), e => e.Attribute("style") is not null);
    }

    [Fact]
    public void Write_ArrowsToDependency_StartsAtTheDependentsBox()
    {
        var layout = LayeredLayout.Compute(TestGraphs.Build(2, (1, 0)));

        var toDependency = XDocument.Parse(SvgGraphWriter.Write(layout, Content));
        var toDependent = XDocument.Parse(SvgGraphWriter.Write(layout, Content, new SvgGraphWriterOptions { Arrows = ArrowDirection.ToDependent }));

        var dependent = layout.Nodes[1];
        var dependency = layout.Nodes[0];
        Assert.Equal(FormattableString.Invariant($"M{dependent.CenterX},{dependent.Y}L{dependency.CenterX},{dependency.Y + dependency.Height}"), PathData(toDependency));
        Assert.Equal(FormattableString.Invariant($"M{dependency.CenterX},{dependency.Y + dependency.Height}L{dependent.CenterX},{dependent.Y}"), PathData(toDependent));
    }

    [Theory]
    [InlineData("a < b & \"c\" 'd' > e")]
    [InlineData("]]><script>alert(1)</script>")]
    [InlineData("tab\tnew\nline\u0001bell")]
    [InlineData("lone \ud800 surrogate")]
    public void Write_AwkwardLabel_IsEscaped(string label)
    {
        var layout = LayeredLayout.Compute(TestGraphs.Build(1), LayeredLayoutOptions.Default with { NodeWidth = 1000 });

        var svg = SvgGraphWriter.Write(layout, _ => new SvgNodeContent { Address = label, Label = label, Status = label });

        var document = XDocument.Parse(svg);
        var group = Assert.Single(document.Descendants(Svg + "g"), g => g.Attribute("data-address") is not null);
        var expected = label.Replace('\t', ' ').Replace('\n', ' ').Replace('\u0001', '\uFFFD').Replace('\ud800', '\uFFFD');
        Assert.Equal(expected, (string?)group.Attribute("data-address"));
        Assert.Equal(expected, group.Element(Svg + "text")!.Value);
        Assert.Empty(document.Descendants(Svg + "script"));
        Assert.Matches("^node status-[a-z0-9_-]+$", (string?)group.Attribute("class"));
    }

    [Fact]
    public void Write_LongLabel_IsCutWithAnEllipsisAndKeptWholeInATitle()
    {
        var label = "module.network.aws_subnet.private[\"eu-west-1a\"]";
        var layout = LayeredLayout.Compute(TestGraphs.Build(1));

        var document = XDocument.Parse(SvgGraphWriter.Write(layout, _ => new SvgNodeContent { Address = "a", Label = label }));

        var group = document.Descendants(Svg + "g").Single(g => g.Attribute("data-address") is not null);
        var shown = group.Element(Svg + "text")!.Value;
        Assert.Equal(20, shown.Length);
        Assert.EndsWith("…", shown, StringComparison.Ordinal);
        Assert.StartsWith(shown[..^1], label, StringComparison.Ordinal);
        Assert.Equal(label, group.Element(Svg + "title")!.Value);
        Assert.Equal("node", (string?)group.Attribute("class"));
    }

    [Fact]
    public void Write_ShortLabel_HasNoTitle()
    {
        var layout = LayeredLayout.Compute(TestGraphs.Build(1));

        var document = XDocument.Parse(SvgGraphWriter.Write(layout, _ => new SvgNodeContent { Address = "aws_vpc.main" }));

        Assert.Empty(document.Descendants(Svg + "title"));
        Assert.Equal("aws_vpc.main", document.Descendants(Svg + "text").Single().Value);
    }

    [Fact]
    public void Write_TitleAndPrefix_AreUsed()
    {
        var layout = LayeredLayout.Compute(TestGraphs.Build(2, (1, 0)));

        var document = XDocument.Parse(SvgGraphWriter.Write(layout, Content, new SvgGraphWriterOptions { Title = "Plan <prod>", IdPrefix = "plan-7-" }));

        Assert.Equal("Plan <prod>", document.Root!.Element(Svg + "title")!.Value);
        Assert.Equal("Plan <prod>", (string?)document.Root.Attribute("aria-label"));
        Assert.Equal("plan-7-arrow", (string?)document.Descendants(Svg + "marker").Single().Attribute("id"));
        Assert.Contains(document.Descendants(Svg + "g"), g => (string?)g.Attribute("id") == "plan-7-node-1");
    }

    [Theory]
    [InlineData("")]
    [InlineData("7up")]
    [InlineData("a b")]
    [InlineData("x\"y")]
    public void Write_BadIdPrefix_Throws(string prefix)
    {
        var layout = LayeredLayout.Compute(TestGraphs.Build(1));

        Assert.Throws<ArgumentException>(() => SvgGraphWriter.Write(layout, Content, new SvgGraphWriterOptions { IdPrefix = prefix }));
    }

    [Fact]
    public void Write_EmptyLayout_IsAnEmptyDrawing()
    {
        var layout = LayeredLayout.Compute(TestGraphs.Build(0));

        var document = XDocument.Parse(SvgGraphWriter.Write(layout, Content));

        Assert.Equal("0 0 32 32", (string?)document.Root!.Attribute("viewBox"));
        Assert.Empty(document.Descendants(Svg + "rect"));
    }

    [Fact]
    public void Write_RandomLabels_AreWellFormedWithOneGroupPerNode()
    {
        var labels = Gen.String[Gen.Char, 0, 60].Array[1, 12];
        labels.Sample(texts =>
        {
            var edges = Enumerable.Range(1, texts.Length - 1).Select(v => (v, (v - 1) / 2)).ToArray();
            var layout = LayeredLayout.Compute(TestGraphs.Build(texts.Length, edges));

            var document = XDocument.Parse(SvgGraphWriter.Write(layout, v => new SvgNodeContent { Address = $"n{v}", Label = texts[v], Status = texts[v] }));

            Assert.Equal(texts.Length, document.Descendants(Svg + "g").Count(g => g.Attribute("data-address") is not null));
            Assert.Equal(texts.Length - 1, document.Descendants(Svg + "path").Count(p => (string?)p.Attribute("class") == "edge"));
        }, iter: 300);
    }

    private static string PathData(XDocument document) =>
        (string)document.Descendants(Svg + "path").Single(p => (string?)p.Attribute("class") == "edge").Attribute("d")!;
}
