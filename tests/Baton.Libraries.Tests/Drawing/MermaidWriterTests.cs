using Baton.Libraries.Tests.Graph;
using Baton.Drawing;

namespace Baton.Libraries.Tests.Drawing;

public sealed class MermaidWriterTests
{
    [Fact]
    public void Write_SampleStack_MatchesGolden()
    {
        var graph = SampleStack.Graph();

        var text = MermaidWriter.Write(graph, v => graph[v], SampleStack.Appearance, SampleStack.Options);

        Golden.Verify(text, "sample-stack.mmd");
    }

    [Fact]
    public void Write_Defaults_IsPlainFlowchart()
    {
        var graph = TestGraphs.Build(2, (0, 1));

        var text = MermaidWriter.Write(graph, v => $"v{v}");

        Assert.Equal("flowchart TD\n    n0[\"v0\"]\n    n1[\"v1\"]\n    n0 --> n1\n", text);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("say \"hi\"", "say #quot;hi#quot;")]
    [InlineData("#1 & <b>", "#35;1 #amp; #lt;b#gt;")]
    [InlineData("a\\b `c`", "a#92;b #96;c#96;")]
    [InlineData("two\nlines", "two<br>lines")]
    [InlineData("end", "end")]
    public void Escape_SpecialCharacters_UseEntityCodes(string value, string expected)
    {
        Assert.Equal(expected, MermaidWriter.Escape(value));
    }

    [Fact]
    public void Write_ClassNameWithSpaces_IsSanitized()
    {
        var graph = TestGraphs.Build(1);
        var options = new GraphWriterOptions
        {
            ClassStyles = new Dictionary<string, NodeClassStyle> { ["in progress"] = new() { Fill = "yellow" } },
        };

        var text = MermaidWriter.Write(graph, _ => "x", _ => new NodeAppearance { Class = "in progress" }, options);

        Assert.Contains("    classDef in_progress fill:yellow\n", text, StringComparison.Ordinal);
        Assert.Contains("    class n0 in_progress\n", text, StringComparison.Ordinal);
    }
}
