namespace Baton.Providers.Host;

/// <summary>The <c>KEY VALUE</c> lines a state script printed (the last line of a key wins).</summary>
internal static class StateLines
{
    public static Dictionary<string, string> Parse(string output)
    {
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                lines[line.Trim()] = string.Empty;
            }
            else
            {
                lines[line[..space]] = line[(space + 1)..].TrimEnd('\r');
            }
        }

        return lines;
    }
}
