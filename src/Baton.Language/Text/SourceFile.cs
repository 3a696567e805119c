using Baton.Diagnostics;

namespace Baton.Text;

/// <summary>The text of one source file with a line table, for positions and for showing a line under a diagnostic.</summary>
public sealed class SourceFile
{
    private readonly int[] _lineStarts;

    // Positions are mostly asked for in file order; starting from the last line found makes that O(1).
    private int _lastLine;

    /// <summary>Creates a source file from its text; <paramref name="path"/> is the path shown to people.</summary>
    public SourceFile(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        Path = path;
        Text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = [.. starts];
    }

    /// <summary>The path shown in diagnostics.</summary>
    public string Path { get; }

    /// <summary>The whole text.</summary>
    public string Text { get; }

    /// <summary>The number of lines.</summary>
    public int LineCount => _lineStarts.Length;

    /// <summary>The 1-based line and column of a character index.</summary>
    public SourcePosition PositionAt(int index)
    {
        index = Math.Clamp(index, 0, Text.Length);
        var line = _lastLine;
        if (line >= _lineStarts.Length || index < _lineStarts[line] || (line + 1 < _lineStarts.Length && index >= _lineStarts[line + 1]))
        {
            line = Array.BinarySearch(_lineStarts, index);
            if (line < 0)
            {
                line = ~line - 1;
            }

            _lastLine = line;
        }

        return new SourcePosition(line + 1, index - _lineStarts[line] + 1);
    }

    /// <summary>The text of a 1-based line, without its line break; empty past the end.</summary>
    public string Line(int line)
    {
        if (line < 1 || line > _lineStarts.Length)
        {
            return string.Empty;
        }

        var start = _lineStarts[line - 1];
        var end = line < _lineStarts.Length ? _lineStarts[line] : Text.Length;
        return Text[start..end].TrimEnd('\n', '\r');
    }
}
