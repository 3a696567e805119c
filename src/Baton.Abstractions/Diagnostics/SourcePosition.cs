namespace Baton.Diagnostics;

/// <summary>A 1-based line and column in a source file. Columns count UTF-16 code units, as editors do.</summary>
public readonly record struct SourcePosition(int Line, int Column) : IComparable<SourcePosition>
{
    /// <inheritdoc />
    public int CompareTo(SourcePosition other) =>
        Line != other.Line ? Line.CompareTo(other.Line) : Column.CompareTo(other.Column);

    /// <summary>Orders positions by line, then column.</summary>
    public static bool operator <(SourcePosition left, SourcePosition right) => left.CompareTo(right) < 0;

    /// <summary>Orders positions by line, then column.</summary>
    public static bool operator >(SourcePosition left, SourcePosition right) => left.CompareTo(right) > 0;

    /// <summary>Orders positions by line, then column.</summary>
    public static bool operator <=(SourcePosition left, SourcePosition right) => left.CompareTo(right) <= 0;

    /// <summary>Orders positions by line, then column.</summary>
    public static bool operator >=(SourcePosition left, SourcePosition right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}";
}
