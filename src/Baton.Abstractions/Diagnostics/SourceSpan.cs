namespace Baton.Diagnostics;

/// <summary>
/// A range of a source file: <see cref="Start"/> is the first character, <see cref="End"/> is just past the last.
/// A span on one line with <c>End == Start</c> marks a point.
/// </summary>
public sealed record SourceSpan(string File, SourcePosition Start, SourcePosition End)
{
    /// <summary>A span that covers <paramref name="length"/> characters on one line.</summary>
    public static SourceSpan OnLine(string file, int line, int column, int length) =>
        new(file, new SourcePosition(line, column), new SourcePosition(line, column + Math.Max(0, length)));

    /// <summary>The smallest span that covers both spans (which must be in the same file).</summary>
    public SourceSpan Union(SourceSpan other) =>
        new(File, Start <= other.Start ? Start : other.Start, End >= other.End ? End : other.End);

    /// <inheritdoc />
    public override string ToString() => $"{File}:{Start.Line}:{Start.Column}";
}
