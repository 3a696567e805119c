using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Providers.Postgres;

/// <summary>Reads typed entries out of an inputs or attributes map; a missing, null or wrongly typed entry reads as absent.</summary>
internal static class MapValues
{
    public static ImmutableSortedDictionary<string, Value> Of(Value? value) =>
        value is { Kind: ValueKind.Map } map ? map.AsMap() : ImmutableSortedDictionary<string, Value>.Empty;

    public static string? Text(ImmutableSortedDictionary<string, Value> map, string name) =>
        map.TryGetValue(name, out var value) && value.Kind == ValueKind.String ? value.AsString() : null;

    public static bool? Flag(ImmutableSortedDictionary<string, Value> map, string name) =>
        map.TryGetValue(name, out var value) && value.Kind == ValueKind.Bool ? value.AsBool() : null;

    /// <summary>The entry when it is given and known (not null, not unknown).</summary>
    public static Value? Known(ImmutableSortedDictionary<string, Value> map, string name) =>
        map.TryGetValue(name, out var value) && value.IsKnown && value.Kind != ValueKind.Null ? value : null;
}
