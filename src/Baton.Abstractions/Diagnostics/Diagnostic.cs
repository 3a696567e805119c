using System.Collections.Immutable;

namespace Baton.Diagnostics;

/// <summary>
/// A problem found in user input, reported instead of thrown. It names where it is (<see cref="Span"/>)
/// or what it is about (<see cref="Subject"/>, such as a resource address), says what is wrong and,
/// where one is likely, how to fix it.
/// </summary>
public sealed record Diagnostic
{
    /// <summary>Whether the problem stops the command.</summary>
    public required DiagnosticSeverity Severity { get; init; }

    /// <summary>A stable code such as <c>BT1004</c>, to search for and to suppress.</summary>
    public required string Code { get; init; }

    /// <summary>One sentence, lower case, no final full stop.</summary>
    public required string Message { get; init; }

    /// <summary>The offending source text, when the problem comes from a file.</summary>
    public SourceSpan? Span { get; init; }

    /// <summary>The id of the thing that failed (a resource address, a step id), when there is no file position.</summary>
    public string? Subject { get; init; }

    /// <summary>A suggestion, such as <c>did you mean "db"?</c>.</summary>
    public string? Help { get; init; }

    /// <summary>Further places and facts that explain the problem.</summary>
    public ImmutableArray<DiagnosticNote> Notes { get; init; } = [];

    /// <summary>Creates an error.</summary>
    public static Diagnostic Error(string code, string message, SourceSpan? span = null, string? help = null) =>
        new() { Severity = DiagnosticSeverity.Error, Code = code, Message = message, Span = span, Help = help };

    /// <summary>Creates a warning.</summary>
    public static Diagnostic Warning(string code, string message, SourceSpan? span = null, string? help = null) =>
        new() { Severity = DiagnosticSeverity.Warning, Code = code, Message = message, Span = span, Help = help };

    /// <summary>Whether this diagnostic is an error.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>Returns a copy with one more note.</summary>
    public Diagnostic WithNote(string message, SourceSpan? span = null) => this with { Notes = Notes.Add(new DiagnosticNote(message, span)) };
}
