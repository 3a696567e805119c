using System.Text;

namespace Baton.Providers.Host;

/// <summary>
/// One host.cron entry as its file in /etc/cron.d holds it: a header comment, the environment as NAME=VALUE lines
/// (sorted by name), then <c>SCHEDULE USER COMMAND</c>, each line ending in a newline (cron ignores a last line
/// without one).
/// </summary>
internal sealed record CronEntry(string Schedule, string User, string Command, IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    /// <summary>The file's text for the entry named <paramref name="name"/>.</summary>
    public string Render(string name)
    {
        var text = new StringBuilder();
        text.Append("# Managed by Baton (host.cron ").Append(name).Append("): edits here are undone by the next apply.\n");
        foreach (var (key, value) in Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        return text.Append(Schedule).Append(' ').Append(User).Append(' ').Append(Command).Append('\n').ToString();
    }

    /// <summary>
    /// The entry of a cron.d file: its NAME=VALUE lines and its first entry line (comments and blank lines skipped);
    /// a file without an entry line gives empty schedule, user and command.
    /// </summary>
    public static CronEntry Parse(string text)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && IsName(line[..equals].TrimEnd()))
            {
                environment[line[..equals].TrimEnd()] = line[(equals + 1)..].TrimStart();
                continue;
            }

            var fields = line.StartsWith('@') ? 1 : 5;
            var rest = line;
            var schedule = new List<string>();
            for (var i = 0; i < fields + 1 && rest.Length > 0; i++)
            {
                var end = rest.IndexOfAny([' ', '\t']);
                schedule.Add(end < 0 ? rest : rest[..end]);
                rest = end < 0 ? string.Empty : rest[end..].TrimStart(' ', '\t');
            }

            var user = schedule.Count > fields ? schedule[fields] : string.Empty;
            return new CronEntry(string.Join(' ', schedule.Take(fields)), user, rest, [.. environment]);
        }

        return new CronEntry(string.Empty, string.Empty, string.Empty, [.. environment]);
    }

    private static bool IsName(string text) =>
        text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_') && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
