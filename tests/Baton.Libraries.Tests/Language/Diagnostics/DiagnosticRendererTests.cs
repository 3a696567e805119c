using System.Reflection;
using System.Text;
using System.Text.Json;
using Baton.Diagnostics;
using Baton.Text;

namespace Baton.Libraries.Tests.Language.Diagnostics;

public sealed class DiagnosticRendererTests
{
    private static readonly SourceFile Stack = new(
        "baton.yaml",
        "resources:\n  web:\n    type: a.b\n    properties:\n      x: ${dbb.id}\n");

    private static string Render(Diagnostic diagnostic, params SourceFile[] files) =>
        new DiagnosticRenderer(files.Length == 0 ? [Stack] : files).Render([diagnostic]);

    private static SourceSpan Span(int line, int column, int length, string file = "baton.yaml") =>
        SourceSpan.OnLine(file, line, column, length);

    [Fact]
    public void Render_SpanHelpAndNote_MatchesGolden()
    {
        var diagnostic = Diagnostic.Error(DiagnosticCodes.UnknownResource, "unknown resource \"dbb\"", Span(5, 12, 3), "did you mean \"db\"?")
            .WithNote("referenced from resource \"web\"", Span(2, 3, 3));

        Assert.Equal(
            """
            error[BT3001]: unknown resource "dbb"
             --> baton.yaml:5:12
              |
            5 |       x: ${dbb.id}
              |            ^^^
              = help: did you mean "db"?
            note: referenced from resource "web"
             --> baton.yaml:2:3
              |
            2 |   web:
              |   ^^^


            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            Render(diagnostic));
    }

    [Fact]
    public void Render_TwoDigitLine_WidensTheGutter()
    {
        var file = new SourceFile("f.yaml", string.Concat(Enumerable.Range(1, 12).Select(i => $"line{i}\n")));

        Assert.Equal(
            "warning[BT5004]: w\n  --> f.yaml:12:1\n   |\n12 | line12\n   | ^^^^\n\n",
            Render(Diagnostic.Warning("BT5004", "w", Span(12, 1, 4, "f.yaml")), file));
    }

    [Fact]
    public void Render_NoteOnThreeDigitLine_WidensTheGutterForTheWholeDiagnostic()
    {
        var file = new SourceFile("f.yaml", string.Concat(Enumerable.Range(1, 120).Select(i => $"l{i}\n")));
        var diagnostic = Diagnostic.Error("BT1004", "twice", Span(5, 1, 2, "f.yaml")).WithNote("first", Span(100, 1, 4, "f.yaml"));

        Assert.Equal(
            "error[BT1004]: twice\n   --> f.yaml:5:1\n    |\n5   | l5\n    | ^^\nnote: first\n   --> f.yaml:100:1\n    |\n100 | l100\n    | ^^^^\n\n",
            Render(diagnostic, file));
    }

    [Fact]
    public void Render_SpanPastEndOfLine_PutsOneCaretJustAfterTheLine()
    {
        var file = new SourceFile("f.yaml", "ab\n");

        Assert.Equal(
            "error[BT1]: m\n --> f.yaml:1:5\n  |\n1 | ab\n  |   ^\n\n",
            Render(Diagnostic.Error("BT1", "m", Span(1, 5, 4, "f.yaml")), file));
    }

    [Fact]
    public void Render_SpanOverSeveralLines_UnderlinesToEndOfFirstLine()
    {
        var file = new SourceFile("f.yaml", "key: value\nmore\n");
        var span = new SourceSpan("f.yaml", new SourcePosition(1, 6), new SourcePosition(2, 3));

        Assert.EndsWith("1 | key: value\n  |      ^^^^^\n\n", Render(Diagnostic.Error("BT1", "m", span), file), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_FileNotKnown_ShowsOnlyThePosition() =>
        Assert.Equal("error[BT1]: m\n --> other.yaml:3:4\n\n", Render(Diagnostic.Error("BT1", "m", Span(3, 4, 1, "other.yaml"))));

    [Fact]
    public void Render_TabInLine_IsShownAsSpace()
    {
        var file = new SourceFile("f.yaml", "a:\tb\n");

        Assert.Contains("1 | a: b\n", Render(Diagnostic.Error("BT1", "m", Span(1, 4, 1, "f.yaml")), file), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SubjectOnly_ShowsTheSubjectAndNoteWithoutSpan()
    {
        var diagnostic = new Diagnostic
        {
            Severity = DiagnosticSeverity.Error,
            Code = DiagnosticCodes.NoStackFile,
            Message = "no stack file in \"shop\"",
            Subject = "shop",
            Help = "add baton.yaml",
        }.WithNote("looked for *.baton.yaml too");

        Assert.Equal(
            "error[BT1007]: no stack file in \"shop\"\n --> shop\n  = help: add baton.yaml\n  = note: looked for *.baton.yaml too\n\n",
            Render(diagnostic));
    }

    [Fact]
    public void Render_WithStyle_WrapsEachPart()
    {
        var renderer = new DiagnosticRenderer([Stack], (text, style) => $"<{style}>{text}</>");
        var builder = new StringBuilder();

        renderer.Render(Diagnostic.Warning("BT5004", "w", Span(2, 3, 3)), builder);

        var lines = builder.ToString().Split('\n');
        Assert.Equal("<Warning>warning[BT5004]</><Message>: w</>", lines[0]);
        Assert.Equal(" <Gutter>--> </>baton.yaml:2:3", lines[1]);
        Assert.Equal("  <Gutter>|</>   <NoteCaret>^^^</>", lines[4]);
    }

    [Fact]
    public void RenderJson_Diagnostics_HaveEveryFieldAndCounts()
    {
        var error = Diagnostic.Error("BT3001", "unknown resource \"dbb\"", Span(5, 12, 3), "did you mean \"db\"?").WithNote("here", Span(2, 3, 3));
        var warning = new Diagnostic { Severity = DiagnosticSeverity.Warning, Code = "BT5004", Message = "w", Subject = "BATON_VAR_x" };

        using var document = JsonDocument.Parse(DiagnosticRenderer.RenderJson([error, warning]));
        var root = document.RootElement;
        var first = root.GetProperty("diagnostics")[0];
        var second = root.GetProperty("diagnostics")[1];

        Assert.Equal(1, root.GetProperty("errors").GetInt32());
        Assert.Equal(1, root.GetProperty("warnings").GetInt32());
        Assert.Equal(
            ["severity", "code", "message", "file", "line", "column", "endLine", "endColumn", "help", "notes"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("error", first.GetProperty("severity").GetString());
        Assert.Equal(12, first.GetProperty("column").GetInt32());
        Assert.Equal(15, first.GetProperty("endColumn").GetInt32());
        Assert.Equal(2, first.GetProperty("notes")[0].GetProperty("line").GetInt32());
        Assert.Equal("here", first.GetProperty("notes")[0].GetProperty("message").GetString());
        Assert.Equal(["severity", "code", "message", "subject"], second.EnumerateObject().Select(p => p.Name));
        Assert.Equal("warning", second.GetProperty("severity").GetString());
    }

    [Fact]
    public void DiagnosticCodes_AllCodes_AreUniqueAndWellFormed()
    {
        var codes = typeof(DiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.True(codes.Count >= 40);
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, code => Assert.Matches("^BT[1-59][0-9]{3}$", code));
    }

    [Fact]
    public void Sorted_MixedDiagnostics_OrdersByPlaceErrorsFirstSpanlessLast()
    {
        var bag = new DiagnosticBag();
        bag.Add(new Diagnostic { Severity = DiagnosticSeverity.Error, Code = "S1", Message = "no span 1" });
        bag.Warning("W", "b:2:1 warning", Span(2, 1, 1, "b.yaml"));
        bag.Error("E", "b:2:1 error", Span(2, 1, 1, "b.yaml"));
        bag.Error("E", "a:9:9", Span(9, 9, 1, "a.yaml"));
        bag.Error("E", "b:1:5", Span(1, 5, 1, "b.yaml"));
        bag.Add(new Diagnostic { Severity = DiagnosticSeverity.Warning, Code = "S2", Message = "no span 2" });

        Assert.Equal(
            ["a:9:9", "b:1:5", "b:2:1 error", "b:2:1 warning", "no span 1", "no span 2"],
            bag.Sorted().Select(d => d.Message));
        Assert.Equal(4, bag.ErrorCount);
        Assert.True(bag.HasErrors);
    }
}
