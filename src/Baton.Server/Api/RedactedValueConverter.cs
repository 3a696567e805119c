using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.Values;

namespace Baton.Server.Api;

/// <summary>
/// Writes values as plain JSON with every sensitive part replaced by <c>"(sensitive)"</c> and unknown parts by
/// <c>"(known after apply)"</c>. Every value the API answers with goes through it, so no response can carry a secret
/// the state marks sensitive.
/// </summary>
internal sealed class RedactedValueConverter : JsonConverter<Value>
{
    public const string Sensitive = "(sensitive)";

    public override Value Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return PlainJson.Read(document.RootElement) ?? throw new JsonException("a number is too large");
    }

    public override void Write(Utf8JsonWriter writer, Value value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.IsSensitive)
        {
            writer.WriteStringValue(Sensitive);
            return;
        }

        switch (value.Kind)
        {
            case ValueKind.Unknown:
                writer.WriteStringValue("(known after apply)");
                break;
            case ValueKind.List:
                writer.WriteStartArray();
                foreach (var item in value.AsList())
                {
                    Write(writer, item, options);
                }

                writer.WriteEndArray();
                break;
            case ValueKind.Map:
                writer.WriteStartObject();
                foreach (var (key, item) in value.AsMap())
                {
                    writer.WritePropertyName(key);
                    Write(writer, item, options);
                }

                writer.WriteEndObject();
                break;
            default:
                PlainJson.Write(writer, value);
                break;
        }
    }
}
