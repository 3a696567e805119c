using DiffPlex.Renderer;

namespace Baton.Plans;

/// <summary>
/// The unified diff (three lines of context) of two texts, such as a configuration file's content on a host and in
/// the stack, as the plan shows it for a string of several lines.
/// </summary>
internal static class TextDiff
{
    /// <summary>How many lines of diff the plan shows of one value before it says how many more there are.</summary>
    public const int MaxLines = 200;

    private static readonly UnidiffRenderer Renderer = new(null, 3);

    /// <summary>Whether <paramref name="text"/> has several lines, and so reads best as its lines (or a change of it as a diff).</summary>
    public static bool IsMultiline(string text) => text.Contains('\n', StringComparison.Ordinal);

    /// <summary>The lines of <paramref name="text"/> as a file holds them (a final newline ends the last line).</summary>
    public static IReadOnlyList<string> LinesOf(string text) => LineChunker.Instance.Chunk(text);

    /// <summary>The diff's lines: the hunk headers and the context, removed and added lines.</summary>
    public static IReadOnlyList<string> Lines(string before, string after)
    {
        var result = DiffPlex.Differ.Instance.CreateDiffs(before, after, ignoreWhiteSpace: false, ignoreCase: false, LineChunker.Instance);
        var text = Renderer.Generate(result, "before", "after");
        var lines = text.Split('\n').Select(l => l.Replace("\r", "␍", StringComparison.Ordinal)).SkipWhile(l => l.StartsWith("---", StringComparison.Ordinal) || l.StartsWith("+++", StringComparison.Ordinal))
            .Select(l => l.StartsWith("@@", StringComparison.Ordinal) ? EmptyRangeAsDiffWritesIt(l) : l)
            .ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (before.Length > 0 && after.Length > 0 && before.EndsWith('\n') != after.EndsWith('\n'))
        {
            lines.Add(after.EndsWith('\n') ? "(before: no newline at the end)" : "(after: no newline at the end)");
        }
        return lines;
    }

    /// <summary>A hunk header with an empty range written as diff does, from the line before it: <c>-0,0</c>, not <c>-1,0</c>.</summary>
    private static string EmptyRangeAsDiffWritesIt(string header) =>
        System.Text.RegularExpressions.Regex.Replace(
            header,
            @"([-+])(\d+),0\b",
            m => m.Groups[1].Value + (int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ",0",
            System.Text.RegularExpressions.RegexOptions.None,
            TimeSpan.FromSeconds(1));

    /// <summary>
    /// Lines as a file holds them: the empty text has none, and a final newline ends the last line rather than starting
    /// an empty one; whether each text has one is said apart, as diff says "\ No newline at end of file".
    /// </summary>
    private sealed class LineChunker : DiffPlex.IChunker
    {
        public static LineChunker Instance { get; } = new();

        public IReadOnlyList<string> Chunk(string text) => text.Length == 0 ? [] : (text.EndsWith('\n') ? text[..^1] : text).Split('\n');
    }
}
