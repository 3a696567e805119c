namespace Baton.Metrics;

/// <summary>A problem with one line of scraped metrics text. The line is skipped; the rest is still read.</summary>
public sealed record MetricsParseError
{
    /// <summary>The 1-based line.</summary>
    public required int Line { get; init; }

    /// <summary>The 1-based column of the first offending character.</summary>
    public required int Column { get; init; }

    /// <summary>What is wrong: one sentence, lower case, no final full stop.</summary>
    public required string Message { get; init; }

    /// <summary>Renders as <c>line:column: message</c>.</summary>
    public override string ToString() => $"{Line}:{Column}: {Message}";
}
