namespace Baton.Diagnostics;

/// <summary>A secondary message of a diagnostic, usually pointing at a second place (the first definition of a duplicate, the next step of a cycle).</summary>
public sealed record DiagnosticNote(string Message, SourceSpan? Span = null);
