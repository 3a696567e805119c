using Baton.Diagnostics;

namespace Baton.Spec.Yaml;

/// <summary>A mapping, keeping every entry in file order, duplicates included.</summary>
internal sealed class YamlMapping(SourceSpan span, IReadOnlyList<YamlEntry> entries) : YamlNode(span)
{
    /// <summary>The entries in file order.</summary>
    public IReadOnlyList<YamlEntry> Entries { get; } = entries;

    /// <inheritdoc />
    public override string KindName => "a map";

    /// <summary>The value of the first entry with key <paramref name="key"/>.</summary>
    public YamlNode? this[string key] => Find(key)?.Value;

    /// <summary>The first entry with key <paramref name="key"/>.</summary>
    public YamlEntry? Find(string key)
    {
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Key.Value, key, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return null;
    }
}
