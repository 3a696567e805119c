using Baton.Diagnostics;

namespace Baton.Text;

/// <summary>
/// Maps character offsets in a piece of text — an expression taken from a YAML scalar, a template file — to
/// positions in the source file it came from, so diagnostics point at the file, not at the string.
/// </summary>
public sealed class TextOrigin
{
    private readonly SourcePosition _start;
    private readonly string? _text;
    private SourcePosition[]? _positions;
    private readonly Func<SourcePosition[]>? _map;

    private TextOrigin(string file, SourcePosition start, string? text, SourcePosition[]? positions, Func<SourcePosition[]>? map = null)
    {
        File = file;
        _start = start;
        _text = text;
        _positions = positions;
        _map = map;
    }

    /// <summary>The file the text came from.</summary>
    public string File { get; }

    /// <summary>
    /// Text that appears verbatim in the file starting at <paramref name="start"/>: a line break in the text is a line
    /// break in the file.
    /// </summary>
    public static TextOrigin Verbatim(string file, SourcePosition start, string text) => new(file, start, text, null);

    /// <summary>
    /// Text whose characters sit at the given positions (one per character, plus one past the end), for scalars
    /// whose quoting or folding moved characters around.
    /// </summary>
    public static TextOrigin Mapped(string file, SourcePosition[] positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Length == 0)
        {
            throw new ArgumentException("At least the end position is required.", nameof(positions));
        }

        return new(file, positions[0], null, positions);
    }

    /// <summary>
    /// Like <see cref="Mapped"/>, but the positions are worked out only when first asked for: most scalars of a large
    /// stack never need them, since only diagnostics look.
    /// </summary>
    public static TextOrigin Deferred(string file, SourcePosition start, Func<SourcePosition[]> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new(file, start, null, null, map);
    }

    /// <summary>Text that has no better origin than one position (every offset maps there).</summary>
    public static TextOrigin Fixed(string file, SourcePosition position) => new(file, position, null, null);

    /// <summary>The position of the character at <paramref name="offset"/> (or just past the end).</summary>
    public SourcePosition PositionOf(int offset)
    {
        if (offset < 0)
        {
            offset = 0;
        }

        // Two threads may both compute the map; they compute the same one, so the race is harmless.
        var positions = _positions ?? (_map is null ? null : _positions = _map());
        if (positions is not null)
        {
            return positions[Math.Min(offset, positions.Length - 1)];
        }

        if (_text is null)
        {
            return _start;
        }

        var line = _start.Line;
        var column = _start.Column;
        var end = Math.Min(offset, _text.Length);
        for (var i = 0; i < end; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new SourcePosition(line, column + (offset - end));
    }

    /// <summary>The span of the characters from <paramref name="start"/> up to, not including, <paramref name="end"/>.</summary>
    public SourceSpan SpanOf(int start, int end)
    {
        var from = PositionOf(start);
        var to = PositionOf(Math.Max(start, end));
        if (to.Line != from.Line)
        {
            // A span that crosses lines is shown on its first line only; keep it to that line.
            to = new SourcePosition(from.Line, from.Column + 1);
        }

        return new SourceSpan(File, from, to);
    }
}
