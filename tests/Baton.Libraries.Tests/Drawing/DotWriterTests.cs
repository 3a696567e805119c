using Baton.Libraries.Tests.Graph;
using Baton.Drawing;

namespace Baton.Libraries.Tests.Drawing;

public sealed class DotWriterTests
{
    [Fact]
    public void Write_SampleStack_MatchesGolden()
    {
        var graph = SampleStack.Graph();

        var text = DotWriter.Write(graph, v => graph[v], SampleStack.Appearance, SampleStack.Options);

        Golden.Verify(text, "sample-stack.dot");
    }

    [Fact]
    public void Write_ArrowsToDependent_ReversesEdges()
    {
        var graph = TestGraphs.Build(2, (0, 1));

        var text = DotWriter.Write(graph, v => $"v{v}", options: new GraphWriterOptions { Arrows = ArrowDirection.ToDependent });

        Assert.Equal(
            "digraph {\n  rankdir=TB;\n  node [shape=box];\n  n0 [label=\"v0\"];\n  n1 [label=\"v1\"];\n  n1 -> n0;\n}\n",
            text);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("C:\\dir", "\"C:\\\\dir\"")]
    [InlineData("two\nlines", "\"two\\nlines\"")]
    [InlineData("crlf\r\nend", "\"crlf\\nend\"")]
    [InlineData("tab\there", "\"tab here\"")]
    public void Quote_SpecialCharacters_AreEscaped(string value, string expected)
    {
        Assert.Equal(expected, DotWriter.Quote(value));
    }

    [Fact]
    public void Write_ColourWithSyntax_Throws()
    {
        var graph = TestGraphs.Build(1);
        var options = new GraphWriterOptions
        {
            ClassStyles = new Dictionary<string, NodeClassStyle> { ["bad"] = new() { Fill = "red\"];" } },
        };

        Assert.Throws<ArgumentException>(() => DotWriter.Write(graph, _ => "x", _ => new NodeAppearance { Class = "bad" }, options));
    }
}
