using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Baton.Addresses;

/// <summary>
/// The address of a resource instance: <c>db</c>, <c>web[2]</c> (from <c>count</c>) or <c>site["eu"]</c> (from <c>for_each</c>).
/// </summary>
public sealed record ResourceAddress : IComparable<ResourceAddress>
{
    /// <summary>Creates an address.</summary>
    public ResourceAddress(string name, InstanceKey? key = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Key = key;

        // Addresses are keys of every map the engine keeps per instance: print once, not on every lookup.
        _text = key is null ? name : name + key;
    }

    private readonly string _text;

    /// <summary>The resource's name in the stack file.</summary>
    public string Name { get; }

    /// <summary>The instance key, or <c>null</c> for a resource with neither <c>count</c> nor <c>for_each</c>.</summary>
    public InstanceKey? Key { get; }

    /// <summary>Parses <c>name</c>, <c>name[3]</c> or <c>name["key"]</c>.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ResourceAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var bracket = text.IndexOf('[', StringComparison.Ordinal);
        var name = bracket < 0 ? text : text[..bracket];
        if (!IsValidName(name))
        {
            return false;
        }

        if (bracket < 0)
        {
            address = new ResourceAddress(name);
            return true;
        }

        if (!text.EndsWith(']'))
        {
            return false;
        }

        var inner = text[(bracket + 1)..^1];
        if (inner.Length >= 2 && inner[0] == '"' && inner[^1] == '"')
        {
            var key = inner[1..^1];
            if (key.Contains('"', StringComparison.Ordinal) || key.Contains('\\', StringComparison.Ordinal))
            {
                return false;
            }

            address = new ResourceAddress(name, InstanceKey.Of(key));
            return true;
        }

        if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            address = new ResourceAddress(name, InstanceKey.Of(index));
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="name"/> is a valid name for a resource, variable, output, workflow or step: a letter, then letters, digits, <c>_</c> or <c>-</c>.</summary>
    public static bool IsValidName(string name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public int CompareTo(ResourceAddress? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byName = string.CompareOrdinal(Name, other.Name);
        if (byName != 0)
        {
            return byName;
        }

        if (Key is null || other.Key is null)
        {
            return Key is null ? (other.Key is null ? 0 : -1) : 1;
        }

        return Key.CompareTo(other.Key);
    }

    /// <inheritdoc />
    public override string ToString() => _text;
}
