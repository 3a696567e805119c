using System.Text;

namespace Baton.Drawing;

/// <summary>What both writers need before emitting text: each node's appearance and the groups, in a fixed order.</summary>
internal sealed class GraphWriterLayout
{
    private GraphWriterLayout(NodeAppearance?[] appearances, List<int> ungrouped, List<KeyValuePair<string, List<int>>> groups)
    {
        Appearances = appearances;
        Ungrouped = ungrouped;
        Groups = groups;
    }

    public NodeAppearance?[] Appearances { get; }

    /// <summary>Nodes outside any group, ascending.</summary>
    public List<int> Ungrouped { get; }

    /// <summary>Groups by ordinal name, each with its nodes ascending.</summary>
    public List<KeyValuePair<string, List<int>>> Groups { get; }

    public static GraphWriterLayout Create(int nodeCount, Func<int, NodeAppearance?>? appearance)
    {
        var appearances = new NodeAppearance?[nodeCount];
        var ungrouped = new List<int>();
        var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var v = 0; v < nodeCount; v++)
        {
            var a = appearance?.Invoke(v);
            appearances[v] = a;
            if (a?.Group is { } group)
            {
                if (!byName.TryGetValue(group, out var members))
                {
                    members = [];
                    byName.Add(group, members);
                }

                members.Add(v);
            }
            else
            {
                ungrouped.Add(v);
            }
        }

        var groups = new List<KeyValuePair<string, List<int>>>(byName);
        groups.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new GraphWriterLayout(appearances, ungrouped, groups);
    }

    /// <summary>Keeps class names to characters every consumer (Mermaid, CSS, DOT) reads as a plain name.</summary>
    public static string SanitizeClass(string name)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var builder = new StringBuilder(name.Length);
        foreach (var ch in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' ? ch : '_');
        }

        return builder.ToString();
    }

    /// <summary>Rejects colours that would be read as syntax by DOT or Mermaid.</summary>
    public static string? CheckColour(string? colour, string what)
    {
        if (colour is null)
        {
            return null;
        }

        if (colour.Length == 0)
        {
            throw new ArgumentException($"The {what} colour is empty.", nameof(colour));
        }

        foreach (var ch in colour)
        {
            if (!char.IsAsciiLetterOrDigit(ch) && ch != '#')
            {
                throw new ArgumentException($"The {what} colour '{colour}' may hold only letters, digits and '#'.", nameof(colour));
            }
        }

        return colour;
    }
}
