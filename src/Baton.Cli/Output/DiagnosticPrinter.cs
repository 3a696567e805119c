using Baton.Diagnostics;
using Baton.Text;
using Spectre.Console;

namespace Baton.Cli.Output;

/// <summary>Prints diagnostics as text (coloured on a terminal) or as JSON, and a count of what was found.</summary>
internal static class DiagnosticPrinter
{
    public static void Print(CliContext context, IReadOnlyList<Diagnostic> diagnostics, IEnumerable<SourceFile> files)
    {
        if (diagnostics.Count == 0)
        {
            return;
        }

        var renderer = new DiagnosticRenderer(files, context.ErrorColor ? Colour : null);
        context.Error.Write(renderer.Render(diagnostics));
        var errors = diagnostics.Count(d => d.IsError);
        var warnings = diagnostics.Count - errors;
        var summary = errors > 0
            ? $"{Plural(errors, "error")}{(warnings > 0 ? ", " + Plural(warnings, "warning") : string.Empty)}"
            : Plural(warnings, "warning");
        context.Error.WriteLine(context.ErrorColor && errors > 0 ? Colour(summary, DiagnosticStyle.Error) : summary);
    }

    /// <summary>"1 policy", "3 policies": the count with its noun; <paramref name="plural"/> where adding "s" is wrong.</summary>
    public static string Plural(int count, string noun, string? plural = null) => count == 1 ? $"1 {noun}" : $"{count:N0} {plural ?? noun + "s"}";

    private static readonly Dictionary<DiagnosticStyle, (string Prefix, string Suffix)> Escapes = [];

    /// <summary>ANSI colour through Spectre's markup (so styles live in one vocabulary), rendered once per style.</summary>
    private static string Colour(string text, DiagnosticStyle style)
    {
        lock (Escapes)
        {
            if (!Escapes.TryGetValue(style, out var escape))
            {
                escape = Render(style);
                Escapes[style] = escape;
            }

            return escape.Prefix + text + escape.Suffix;
        }
    }

    private static (string, string) Render(DiagnosticStyle style)
    {
        var markup = style switch
        {
            DiagnosticStyle.Error or DiagnosticStyle.ErrorCaret => "bold red",
            DiagnosticStyle.Warning => "bold yellow",
            DiagnosticStyle.Message => "bold",
            DiagnosticStyle.Gutter => "blue",
            DiagnosticStyle.NoteCaret or DiagnosticStyle.Label => "bold cyan",
            _ => "default",
        };
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Markup($"[{markup}]\u0001[/]");
        var rendered = writer.ToString();
        var marker = rendered.IndexOf('\u0001', StringComparison.Ordinal);
        return marker < 0 ? (string.Empty, string.Empty) : (rendered[..marker], rendered[(marker + 1)..]);
    }
}
