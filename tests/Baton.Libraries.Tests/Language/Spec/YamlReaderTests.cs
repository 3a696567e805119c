using Baton.Diagnostics;
using Baton.Spec.Yaml;
using Baton.Text;
using static Baton.Libraries.Tests.Language.Spec.StackText;

namespace Baton.Libraries.Tests.Language.Spec;

public sealed class YamlReaderTests
{
    private static (YamlNode? Root, DiagnosticBag Diagnostics) Read(string text)
    {
        var diagnostics = new DiagnosticBag();
        return (YamlReader.Read(new SourceFile("f.yaml", text), diagnostics), diagnostics);
    }

    private static YamlMapping ReadMap(string text)
    {
        var (root, diagnostics) = Read(text);
        AssertClean(diagnostics);
        return Assert.IsType<YamlMapping>(root);
    }

    private static YamlScalar ScalarAt(YamlMapping map, string key) => Assert.IsType<YamlScalar>(map[key]);

    [Fact]
    public void Read_NestedMap_KeysAndValuesHaveOneBasedPositions()
    {
        var root = ReadMap("a: 1\nb:\n  c: hello\n");
        var inner = Assert.IsType<YamlMapping>(root["b"]);
        var entry = Assert.Single(inner.Entries);

        Assert.Equal(At(1, 1), root.Entries[0].Key.Span.Start);
        Assert.Equal(At(3, 3), entry.Key.Span.Start);
        Assert.Equal(At(3, 4), entry.Key.Span.End);
        Assert.Equal(At(3, 6), entry.Value.Span.Start);
        Assert.Equal(At(3, 11), entry.Value.Span.End);
        Assert.Equal("hello", ((YamlScalar)entry.Value).Value);
        Assert.Equal("f.yaml", entry.Value.Span.File);
    }

    [Fact]
    public void Read_PlainScalar_OriginIsVerbatim()
    {
        var value = ScalarAt(ReadMap("key:   abc ${x}\n"), "key");

        Assert.True(value.IsPlain);
        Assert.Equal(At(1, 12), value.Origin.PositionOf(value.Value.IndexOf("${", StringComparison.Ordinal)));
    }

    [Fact]
    public void Read_DoubleQuotedWithEscape_MapsInterpolationToItsColumn()
    {
        // k: "a\tb ${x}" — the two-character escape shifts every later character by one.
        var value = ScalarAt(ReadMap("k: \"a\\tb ${x}\"\n"), "k");

        Assert.Equal("a\tb ${x}", value.Value);
        Assert.False(value.IsPlain);
        Assert.Equal(At(1, 10), value.Origin.PositionOf(value.Value.IndexOf("${", StringComparison.Ordinal)));
        Assert.Equal(At(1, 5), value.Origin.PositionOf(0));
    }

    [Fact]
    public void Read_DoubleQuotedWithUnicodeEscape_MapsInterpolationToItsColumn()
    {
        var value = ScalarAt(ReadMap("k: \"\\u00e9 ${x}\"\n"), "k");

        Assert.Equal("\u00e9 ${x}", value.Value);
        Assert.Equal(At(1, 12), value.Origin.PositionOf(2));
    }

    [Fact]
    public void Read_SingleQuotedWithDoubledQuote_MapsInterpolationToItsColumn()
    {
        var value = ScalarAt(ReadMap("k: 'it''s ${x}'\n"), "k");

        Assert.Equal("it's ${x}", value.Value);
        Assert.Equal(At(1, 11), value.Origin.PositionOf(value.Value.IndexOf("${", StringComparison.Ordinal)));
    }

    [Fact]
    public void Read_LiteralBlockScalar_MapsEachLineToTheFile()
    {
        var value = ScalarAt(ReadMap("script: |\n  echo ${x}\n  done\n"), "script");

        Assert.Equal("echo ${x}\ndone\n", value.Value);
        Assert.Equal(At(2, 8), value.Origin.PositionOf(value.Value.IndexOf("${", StringComparison.Ordinal)));
        Assert.Equal(At(3, 3), value.Origin.PositionOf(value.Value.IndexOf("done", StringComparison.Ordinal)));
    }

    [Fact]
    public void Read_DeeplyIndentedLiteralBlock_MapsEveryLineExactly()
    {
        // Indented further than any nearest-character search reaches, with runs of the same character and a blank line.
        var text = "a:\n  b:\n    c:\n      content: |\n                upstream app {\n\n                %{ for h in hosts }\n                  server ${h}:80;\n                %{ endfor }\n                }\n";
        var value = ScalarAt(Assert.IsType<YamlMapping>(Assert.IsType<YamlMapping>(ReadMap(text)["a"])["b"]) is var b ? Assert.IsType<YamlMapping>(b["c"]) : null!, "content");

        Assert.Equal("upstream app {\n\n%{ for h in hosts }\n  server ${h}:80;\n%{ endfor }\n}\n", value.Value);
        Assert.Equal(At(7, 17), value.Origin.PositionOf(value.Value.IndexOf("%{ for", StringComparison.Ordinal)));
        Assert.Equal(At(8, 26), value.Origin.PositionOf(value.Value.IndexOf("${h}", StringComparison.Ordinal)));
        Assert.Equal(At(9, 17), value.Origin.PositionOf(value.Value.IndexOf("%{ endfor", StringComparison.Ordinal)));
        Assert.Equal(At(10, 17), value.Origin.PositionOf(value.Value.Length - 2));
    }

    [Fact]
    public void Read_LiteralBlockWithCrLf_MapsEachLineToTheFile()
    {
        var value = ScalarAt(ReadMap("script: |\r\n    one\r\n    two ${x}\r\n"), "script");

        Assert.Equal("one\ntwo ${x}\n", value.Value);
        Assert.Equal(At(3, 9), value.Origin.PositionOf(value.Value.IndexOf("${", StringComparison.Ordinal)));
    }

    [Fact]
    public void Read_AnchorAndAlias_AliasIsTheAnchoredNode()
    {
        var root = ReadMap("base: &b\n  x: 1\ncopy: *b\n");

        Assert.Same(root["base"], root["copy"]);
    }

    [Fact]
    public void Read_MergeKey_AddsEntriesNotWrittenInTheMap()
    {
        var root = ReadMap("base: &b\n  x: 1\n  y: 2\nderived:\n  y: 3\n  <<: *b\n");
        var derived = Assert.IsType<YamlMapping>(root["derived"]);

        Assert.Equal(["y", "x"], derived.Entries.Select(e => e.Key.Value));
        Assert.Equal("3", ScalarAt(derived, "y").Value);
        Assert.Equal("1", ScalarAt(derived, "x").Value);
    }

    [Fact]
    public void Read_MergeKeyBeforeOverride_WrittenEntryWinsWithoutDuplicate()
    {
        var root = ReadMap("base: &b\n  x: 1\n  y: 2\nderived:\n  <<: *b\n  y: 3\n");
        var derived = Assert.IsType<YamlMapping>(root["derived"]);

        Assert.Equal(["x", "y"], derived.Entries.Select(e => e.Key.Value));
        Assert.Equal("3", ScalarAt(derived, "y").Value);
        Assert.Equal(At(6, 3), derived.Find("y")!.Key.Span.Start);
    }

    [Fact]
    public void Read_MergeKeyWithListOfMaps_MergesEach()
    {
        var root = ReadMap("a: &a { x: 1 }\nb: &b { y: 2 }\nc:\n  <<: [*a, *b]\n");
        var merged = Assert.IsType<YamlMapping>(root["c"]);

        Assert.Equal(["x", "y"], merged.Entries.Select(e => e.Key.Value));
    }

    [Fact]
    public void Read_MergeKeyOnScalar_IsAnError()
    {
        var (_, diagnostics) = Read("c:\n  <<: nothing\n");
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticCodes.UnsupportedYaml, diagnostic.Code);
        Assert.Equal(At(2, 7), diagnostic.Span!.Start);
    }

    [Fact]
    public void Read_UndefinedAlias_IsAnErrorAtTheAlias()
    {
        var (root, diagnostics) = Read("a: 1\nb: *nowhere\n");
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticCodes.UnsupportedYaml, diagnostic.Code);
        Assert.Equal("the alias *nowhere names no anchor defined before it", diagnostic.Message);
        Assert.Equal(At(2, 4), diagnostic.Span!.Start);
        Assert.Equal(string.Empty, Assert.IsType<YamlScalar>(Assert.IsType<YamlMapping>(root)["b"]).Value);
    }

    [Fact]
    public void Read_SecondDocument_IsAnErrorAtItsStart()
    {
        var (root, diagnostics) = Read("a: 1\n---\nb: 2\n");
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticCodes.UnsupportedYaml, diagnostic.Code);
        Assert.Equal(At(2, 1), diagnostic.Span!.Start);
        Assert.Equal("split the documents into separate *.baton.yaml files", diagnostic.Help);
        Assert.NotNull(Assert.IsType<YamlMapping>(root)["a"]);
    }

    [Theory]
    [InlineData("a: [1, 2\nb: 3\n", 2, 1)]
    [InlineData("a: {x: 1\nb: 3\n", 2, 1)]
    [InlineData("a: b: c\n", 1, 5)]
    [InlineData("a:\n  - 1\n - 2\n", 3, 2)]
    public void Read_MalformedYaml_IsExactlyOneSyntaxErrorWithPosition(string text, int line, int column)
    {
        var (root, diagnostics) = Read(text);
        var diagnostic = Single(diagnostics);

        Assert.Null(root);
        Assert.Equal(DiagnosticCodes.YamlSyntax, diagnostic.Code);
        Assert.StartsWith("invalid YAML: ", diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Line:", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(At(line, column), diagnostic.Span!.Start);
        Assert.Equal(At(line, column + 1), diagnostic.Span.End);
    }

    [Fact]
    public void Read_NestingTooDeep_IsASyntaxErrorNotAStackOverflow()
    {
        var (root, diagnostics) = Read(new string('[', 300) + new string(']', 300));
        var diagnostic = Single(diagnostics);

        Assert.Null(root);
        Assert.Equal(DiagnosticCodes.YamlSyntax, diagnostic.Code);
        Assert.Contains("nesting deeper than 200 levels", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DuplicateKeys_AreKeptInFileOrder()
    {
        var root = ReadMap("a: 1\nb: 2\na: 3\n");

        Assert.Equal(["a", "b", "a"], root.Entries.Select(e => e.Key.Value));
        Assert.Equal("1", ScalarAt(root, "a").Value);
        Assert.Equal(At(3, 1), root.Entries[2].Key.Span.Start);
    }

    [Fact]
    public void Read_EmptyText_IsNullWithoutDiagnostics()
    {
        var (root, diagnostics) = Read(string.Empty);

        Assert.Null(root);
        AssertClean(diagnostics);
    }

    [Fact]
    public void Read_Tag_IsAWarning()
    {
        var (_, diagnostics) = Read("a: !custom x\n");
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("the YAML tag !custom is ignored", diagnostic.Message);
    }

    [Fact]
    public void Read_ListAsKey_IsAnError()
    {
        var (root, diagnostics) = Read("? [a]\n: 1\nb: 2\n");
        var diagnostic = Single(diagnostics);

        Assert.Equal("map keys must be strings, not a list", diagnostic.Message);
        Assert.Equal(["b"], Assert.IsType<YamlMapping>(root).Entries.Select(e => e.Key.Value));
    }

    [Theory]
    [InlineData("~", true)]
    [InlineData("null", true)]
    [InlineData("\"null\"", false)]
    [InlineData("''", false)]
    [InlineData("x", false)]
    public void IsNull_Scalar_FollowsCoreSchemaOnlyWhenPlain(string yaml, bool isNull) =>
        Assert.Equal(isNull, ScalarAt(ReadMap("k: " + yaml + "\n"), "k").IsNull);

    [Theory]
    [InlineData("!!st!!st!!s]t!!str71e12'[stack: s\na: 1\n")]
    [InlineData("a: !!s]t x\n")]
    [InlineData("%TAG !e! bad uri\n---\na: 1\n")]
    public void Read_MalformedTag_IsADiagnosticNotAnException(string text)
    {
        var (root, diagnostics) = Read(text);

        Assert.Null(root);
        Assert.Equal(DiagnosticCodes.YamlSyntax, Assert.Single(diagnostics).Code);
    }
}
