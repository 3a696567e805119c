using System.Globalization;
using System.Text;
using Baton.Values;

namespace Baton.Addresses;

/// <summary>The key of one instance of a resource with <c>count</c> (an index) or <c>for_each</c> (a string).</summary>
public sealed record InstanceKey : IComparable<InstanceKey>
{
    private InstanceKey(int? index, string? text)
    {
        Index = index;
        Text = text;
    }

    /// <summary>The index of a <c>count</c> instance.</summary>
    public int? Index { get; }

    /// <summary>The key of a <c>for_each</c> instance.</summary>
    public string? Text { get; }

    /// <summary>A <c>count</c> index.</summary>
    public static InstanceKey Of(int index) => new(index, null);

    /// <summary>A <c>for_each</c> key.</summary>
    public static InstanceKey Of(string key) => new(null, key);

    /// <summary>The key as a value of the language: a number or a string.</summary>
    public Value ToValue() => Index is { } index ? Value.Number(index) : Value.String(Text!);

    /// <inheritdoc />
    public int CompareTo(InstanceKey? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (Index is { } a && other.Index is { } b)
        {
            return a.CompareTo(b);
        }

        if (Index is null && other.Index is null)
        {
            return string.CompareOrdinal(Text, other.Text);
        }

        return Index is null ? 1 : -1;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (Index is { } index)
        {
            return "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
        }

        var builder = new StringBuilder("[");
        Value.AppendQuoted(builder, Text!);
        return builder.Append(']').ToString();
    }
}
