using System.Collections;

namespace Baton.Diagnostics;

/// <summary>Collects diagnostics while a pass runs, so one run reports every problem rather than the first.</summary>
public sealed class DiagnosticBag : IReadOnlyList<Diagnostic>
{
    private readonly List<Diagnostic> _items = [];

    /// <summary>The number of errors collected.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>Whether any error was collected.</summary>
    public bool HasErrors => ErrorCount > 0;

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public Diagnostic this[int index] => _items[index];

    /// <summary>Adds one diagnostic.</summary>
    public void Add(Diagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        _items.Add(diagnostic);
        if (diagnostic.IsError)
        {
            ErrorCount++;
        }
    }

    /// <summary>Adds every diagnostic of a sequence.</summary>
    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        foreach (var diagnostic in diagnostics)
        {
            Add(diagnostic);
        }
    }

    /// <summary>Adds an error.</summary>
    public Diagnostic Error(string code, string message, SourceSpan? span = null, string? help = null)
    {
        var diagnostic = Diagnostic.Error(code, message, span, help);
        Add(diagnostic);
        return diagnostic;
    }

    /// <summary>Adds a warning.</summary>
    public Diagnostic Warning(string code, string message, SourceSpan? span = null, string? help = null)
    {
        var diagnostic = Diagnostic.Warning(code, message, span, help);
        Add(diagnostic);
        return diagnostic;
    }

    /// <summary>The diagnostics in source order (file, line, column), errors before warnings at the same place; diagnostics without a span last, in the order they were added.</summary>
    public IReadOnlyList<Diagnostic> Sorted() =>
        [.. _items
            .Select((d, i) => (d, i))
            .OrderBy(x => x.d.Span is null ? 1 : 0)
            .ThenBy(x => x.d.Span?.File, StringComparer.Ordinal)
            .ThenBy(x => x.d.Span?.Start.Line ?? 0)
            .ThenBy(x => x.d.Span?.Start.Column ?? 0)
            .ThenBy(x => x.d.Severity)
            .ThenBy(x => x.i)
            .Select(x => x.d)];

    /// <inheritdoc />
    public IEnumerator<Diagnostic> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
