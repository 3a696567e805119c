using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>Known, plain values to JSON and back, for the registry.</summary>
internal static class ValueJson
{
    public static JsonNode? ToJson(Value value) => value.Kind switch
    {
        ValueKind.Null => null,
        ValueKind.Bool => JsonValue.Create(value.AsBool()),
        ValueKind.Number => JsonValue.Create(value.AsNumber()),
        ValueKind.String => JsonValue.Create(value.AsString()),
        ValueKind.List => new JsonArray([.. value.AsList().Select(ToJson)]),
        ValueKind.Map => new JsonObject(value.AsMap().Select(e => new KeyValuePair<string, JsonNode?>(e.Key, ToJson(e.Value)))),
        _ => throw new ArgumentException("Only known values are stored.", nameof(value)),
    };

    public static Value FromJson(JsonNode? node) => node switch
    {
        null => Value.Null,
        JsonArray array => Value.List(array.Select(FromJson)),
        JsonObject map => Value.Map(map.Select(e => new KeyValuePair<string, Value>(e.Key, FromJson(e.Value)))),
        JsonValue scalar => scalar.GetValueKind() switch
        {
            JsonValueKind.True => Value.True,
            JsonValueKind.False => Value.False,
            JsonValueKind.Number => Value.Number(scalar.GetValue<double>()),
            JsonValueKind.String => Value.String(scalar.GetValue<string>()),
            _ => Value.Null,
        },
        _ => Value.Null,
    };
}
