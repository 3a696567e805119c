using System.Text;
using System.Text.Json;
using Baton.Text;

namespace Baton.Diagnostics;

/// <summary>
/// Renders diagnostics like a compiler: the message, the file position, the source line with a caret under the span,
/// then help and notes. Plain text unless a <c>style</c> function adds colour; also renders JSON.
/// </summary>
public sealed class DiagnosticRenderer
{
    private readonly Dictionary<string, SourceFile> _files;
    private readonly Func<string, DiagnosticStyle, string> _style;

    /// <summary>Creates a renderer that can show lines of <paramref name="files"/>.</summary>
    public DiagnosticRenderer(IEnumerable<SourceFile> files, Func<string, DiagnosticStyle, string>? style = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        _files = new Dictionary<string, SourceFile>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            _files.TryAdd(file.Path, file);
        }

        _style = style ?? ((text, _) => text);
    }

    /// <summary>Renders every diagnostic, separated by blank lines.</summary>
    public string Render(IEnumerable<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var builder = new StringBuilder();
        foreach (var diagnostic in diagnostics)
        {
            Render(diagnostic, builder);
            builder.Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Renders one diagnostic.</summary>
    public void Render(Diagnostic diagnostic, StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        ArgumentNullException.ThrowIfNull(builder);
        var isError = diagnostic.IsError;
        var head = (isError ? "error" : "warning") + "[" + diagnostic.Code + "]";
        builder.Append(_style(head, isError ? DiagnosticStyle.Error : DiagnosticStyle.Warning))
            .Append(_style(": " + diagnostic.Message, DiagnosticStyle.Message))
            .Append('\n');
        var gutter = GutterWidth(diagnostic);
        if (diagnostic.Span is { } span)
        {
            Snippet(builder, span, gutter, isError ? DiagnosticStyle.ErrorCaret : DiagnosticStyle.NoteCaret);
        }
        else if (diagnostic.Subject is { } subject)
        {
            builder.Append(new string(' ', gutter - 1)).Append(_style("--> ", DiagnosticStyle.Gutter)).Append(subject).Append('\n');
        }

        if (diagnostic.Help is { } help)
        {
            builder.Append(new string(' ', gutter)).Append(_style("= help: ", DiagnosticStyle.Label)).Append(help).Append('\n');
        }

        foreach (var note in diagnostic.Notes)
        {
            if (note.Span is { } noteSpan)
            {
                builder.Append(_style("note", DiagnosticStyle.Label)).Append(": ").Append(note.Message).Append('\n');
                Snippet(builder, noteSpan, gutter, DiagnosticStyle.NoteCaret);
            }
            else
            {
                builder.Append(new string(' ', gutter)).Append(_style("= note: ", DiagnosticStyle.Label)).Append(note.Message).Append('\n');
            }
        }
    }

    private static int GutterWidth(Diagnostic diagnostic)
    {
        var widest = diagnostic.Span?.Start.Line ?? 0;
        foreach (var note in diagnostic.Notes)
        {
            widest = Math.Max(widest, note.Span?.Start.Line ?? 0);
        }

        return Math.Max(1, widest.ToString(System.Globalization.CultureInfo.InvariantCulture).Length) + 1;
    }

    private void Snippet(StringBuilder builder, SourceSpan span, int gutter, DiagnosticStyle caretStyle)
    {
        var pad = new string(' ', gutter);
        builder.Append(pad[..^1]).Append(_style("--> ", DiagnosticStyle.Gutter)).Append(span.File).Append(':')
            .Append(span.Start.Line).Append(':').Append(span.Start.Column).Append('\n');
        if (!_files.TryGetValue(span.File, out var file) || span.Start.Line > file.LineCount)
        {
            return;
        }

        var line = file.Line(span.Start.Line).Replace('\t', ' ');
        var number = span.Start.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Append(pad).Append(_style("|", DiagnosticStyle.Gutter)).Append('\n');
        builder.Append(_style(number.PadRight(gutter), DiagnosticStyle.Gutter)).Append(_style("|", DiagnosticStyle.Gutter)).Append(' ').Append(line).Append('\n');
        var start = Math.Clamp(span.Start.Column, 1, line.Length + 1);
        var end = span.End.Line == span.Start.Line ? span.End.Column : line.Length + 1;
        var width = Math.Max(1, Math.Min(end, line.Length + 1) - start);
        builder.Append(pad).Append(_style("|", DiagnosticStyle.Gutter)).Append(' ')
            .Append(new string(' ', start - 1)).Append(_style(new string('^', width), caretStyle)).Append('\n');
    }

    /// <summary>Renders diagnostics as a JSON document: <c>{ "diagnostics": [...], "errors": N, "warnings": N }</c>.</summary>
    public static string RenderJson(IReadOnlyList<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("diagnostics");
            foreach (var diagnostic in diagnostics)
            {
                writer.WriteStartObject();
                writer.WriteString("severity", diagnostic.IsError ? "error" : "warning");
                writer.WriteString("code", diagnostic.Code);
                writer.WriteString("message", diagnostic.Message);
                WriteSpan(writer, diagnostic.Span);
                if (diagnostic.Subject is not null)
                {
                    writer.WriteString("subject", diagnostic.Subject);
                }

                if (diagnostic.Help is not null)
                {
                    writer.WriteString("help", diagnostic.Help);
                }

                if (!diagnostic.Notes.IsDefaultOrEmpty)
                {
                    writer.WriteStartArray("notes");
                    foreach (var note in diagnostic.Notes)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("message", note.Message);
                        WriteSpan(writer, note.Span);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("errors", diagnostics.Count(d => d.IsError));
            writer.WriteNumber("warnings", diagnostics.Count(d => !d.IsError));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteSpan(Utf8JsonWriter writer, SourceSpan? span)
    {
        if (span is null)
        {
            return;
        }

        writer.WriteString("file", span.File);
        writer.WriteNumber("line", span.Start.Line);
        writer.WriteNumber("column", span.Start.Column);
        writer.WriteNumber("endLine", span.End.Line);
        writer.WriteNumber("endColumn", span.End.Column);
    }
}
