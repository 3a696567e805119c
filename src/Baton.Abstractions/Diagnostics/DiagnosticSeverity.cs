namespace Baton.Diagnostics;

/// <summary>How bad a diagnostic is. Errors stop the command; warnings are printed and the command goes on.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The input cannot be used as it is.</summary>
    Error,

    /// <summary>The input works, but probably not as the author meant.</summary>
    Warning,
}
