using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Providers.S3;

/// <summary>Reading typed inputs from a map of values; a wrong kind is reported to <c>errors</c>, not thrown.</summary>
internal static class S3Inputs
{
    public static ImmutableSortedDictionary<string, Value> MapOf(Value? value) =>
        value is { Kind: ValueKind.Map } map ? map.AsMap() : ImmutableSortedDictionary<string, Value>.Empty;

    public static bool Given(ImmutableSortedDictionary<string, Value> map, string name) =>
        map.TryGetValue(name, out var value) && value.Kind != ValueKind.Null;

    public static string? Text(ImmutableSortedDictionary<string, Value> map, string name, List<string>? errors = null)
    {
        if (!map.TryGetValue(name, out var value) || value.Kind == ValueKind.Null || !value.IsKnown)
        {
            return null;
        }

        if (value.Kind != ValueKind.String)
        {
            errors?.Add($"{name} must be a string");
            return null;
        }

        return value.WithoutSensitivity().AsString();
    }

    public static bool? Bool(ImmutableSortedDictionary<string, Value> map, string name, List<string>? errors = null)
    {
        if (!map.TryGetValue(name, out var value) || value.Kind == ValueKind.Null || !value.IsKnown)
        {
            return null;
        }

        if (value.Kind != ValueKind.Bool)
        {
            errors?.Add($"{name} must be true or false");
            return null;
        }

        return value.AsBool();
    }

    public static int? Int(ImmutableSortedDictionary<string, Value> map, string name, int min, int max, List<string>? errors = null)
    {
        if (!map.TryGetValue(name, out var value) || value.Kind == ValueKind.Null || !value.IsKnown)
        {
            return null;
        }

        if (value.Kind != ValueKind.Number || value.AsNumber() != Math.Floor(value.AsNumber()) || value.AsNumber() < min || value.AsNumber() > max)
        {
            errors?.Add($"{name} must be a whole number from {min} to {max}");
            return null;
        }

        return (int)value.AsNumber();
    }

    /// <summary>A map of strings, or null (with an error) when <paramref name="name"/> is something else.</summary>
    public static ImmutableSortedDictionary<string, string>? Tags(ImmutableSortedDictionary<string, Value> map, string name, List<string>? errors = null)
    {
        if (!map.TryGetValue(name, out var value) || value.Kind == ValueKind.Null)
        {
            return ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        }

        if (!value.IsWhollyKnown)
        {
            return null;
        }

        if (value.Kind != ValueKind.Map || value.AsMap().Values.Any(v => v.Kind != ValueKind.String))
        {
            errors?.Add($"{name} must be a map of strings");
            return null;
        }

        return value.AsMap().ToImmutableSortedDictionary(e => e.Key, e => e.Value.WithoutSensitivity().AsString(), StringComparer.Ordinal);
    }

    public static Value TagsValue(IEnumerable<KeyValuePair<string, string>> tags) =>
        Value.Map(tags.Select(t => new KeyValuePair<string, Value>(t.Key, Value.String(t.Value))));
}
