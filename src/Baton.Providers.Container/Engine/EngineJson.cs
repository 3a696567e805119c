using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baton.Providers.Container.Engine;

/// <summary>
/// Reads the engine's JSON leniently: a missing or null member is the empty value, since Docker and Podman leave
/// out (or null) what they have nothing for — <c>Labels</c>, <c>RepoTags</c>, <c>Ports</c>.
/// </summary>
internal static class EngineJson
{
    public static string String(JsonNode? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    public static bool Bool(JsonNode? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    public static int Int(JsonNode? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<long>(out var number) ? (int)number : 0;

    /// <summary>An integer member, null when it is missing or null.</summary>
    public static int? NullableInt(JsonNode? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<long>(out var number) ? (int)number : null;

    /// <summary>A time, null when missing or the zero time Go prints for "never" (<c>0001-01-01T00:00:00Z</c>).</summary>
    public static DateTimeOffset? Time(JsonNode? node, string name) =>
        DateTimeOffset.TryParse(String(node, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1
            ? time
            : null;

    public static IReadOnlyList<string> StringList(JsonNode? node, string name) =>
        node?[name] is JsonArray array
            ? [.. array.Select(item => item is JsonValue value && value.TryGetValue<string>(out var text) ? text : null).OfType<string>()]
            : [];

    public static IReadOnlyDictionary<string, string> StringMap(JsonNode? node, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node?[name] is JsonObject members)
        {
            foreach (var (key, item) in members)
            {
                if (item is JsonValue value && value.TryGetValue<string>(out var text))
                {
                    map[key] = text;
                }
            }
        }

        return map;
    }

    /// <summary>A JSON object of strings, for <c>Labels</c> in a create body.</summary>
    public static JsonObject Object(IReadOnlyDictionary<string, string> map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map)
        {
            result[key] = value;
        }

        return result;
    }

    /// <summary>The <c>filters</c> query value matching every given label: <c>{"label":["k=v",…]}</c>.</summary>
    public static string LabelFilters(IReadOnlyDictionary<string, string> labels)
    {
        var values = new JsonArray();
        foreach (var (key, value) in labels.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            values.Add(key + "=" + value);
        }

        return new JsonObject { ["label"] = values }.ToJsonString();
    }

    /// <summary>Parses one JSON document, null for an empty body.</summary>
    public static JsonNode? Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException exception)
        {
            throw new DockerEngineException($"the engine answered something that is not JSON: {Shorten(body)}", null, isTransient: false, exception);
        }
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
