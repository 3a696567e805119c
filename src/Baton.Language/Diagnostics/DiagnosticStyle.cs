namespace Baton.Diagnostics;

/// <summary>The parts of a rendered diagnostic that a terminal may colour.</summary>
public enum DiagnosticStyle
{
    /// <summary>"error" and its code.</summary>
    Error,

    /// <summary>"warning" and its code.</summary>
    Warning,

    /// <summary>The message.</summary>
    Message,

    /// <summary>Arrows, gutters and line numbers.</summary>
    Gutter,

    /// <summary>The caret line under an error.</summary>
    ErrorCaret,

    /// <summary>The caret line under a warning or note.</summary>
    NoteCaret,

    /// <summary>"help" and "note".</summary>
    Label,
}
