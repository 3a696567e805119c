using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Baton.Values;

namespace Baton.Providers.Sim;

/// <summary>
/// Values as JSON in the world file. A sensitive subtree is written as <c>{"$sensitive": VALUE}</c> (the world is a
/// test fixture, not a secret store) and map keys starting with <c>$</c> are escaped by doubling it.
/// </summary>
internal static class SimValueJson
{
    private const string SensitiveMarker = "$sensitive";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToJson(Value value)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, value, keepSensitive: true);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The SHA-256 (lower-case hex) of the value's JSON, ignoring sensitive marks.</summary>
    public static string Hash(Value value)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, value, keepSensitive: false);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    public static Value FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    private static void Write(Utf8JsonWriter writer, Value value, bool keepSensitive)
    {
        if (keepSensitive && value.IsSensitive)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(SensitiveMarker);
            Write(writer, value.WithoutSensitivity(), keepSensitive);
            writer.WriteEndObject();
            return;
        }

        switch (value.Kind)
        {
            case ValueKind.Bool:
                writer.WriteBooleanValue(value.AsBool());
                break;
            case ValueKind.Number:
                writer.WriteRawValue(Value.FormatNumber(value.AsNumber()), skipInputValidation: true);
                break;
            case ValueKind.String:
                writer.WriteStringValue(value.AsString());
                break;
            case ValueKind.List:
                writer.WriteStartArray();
                foreach (var item in value.AsList())
                {
                    Write(writer, item, keepSensitive);
                }

                writer.WriteEndArray();
                break;
            case ValueKind.Map:
                writer.WriteStartObject();
                foreach (var (key, item) in value.AsMap())
                {
                    writer.WritePropertyName(key.StartsWith('$') ? "$" + key : key);
                    Write(writer, item, keepSensitive);
                }

                writer.WriteEndObject();
                break;
            case ValueKind.Unknown:
                throw new InvalidOperationException("Unknown values cannot be stored in the sim world.");
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static Value Read(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return Value.True;
            case JsonValueKind.False:
                return Value.False;
            case JsonValueKind.Number:
                return Value.Number(double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture));
            case JsonValueKind.String:
                return Value.String(element.GetString()!);
            case JsonValueKind.Array:
                var items = new List<Value>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    items.Add(Read(item));
                }

                return Value.List(items);
            case JsonValueKind.Object:
                var entries = new List<KeyValuePair<string, Value>>();
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == SensitiveMarker)
                    {
                        return Read(property.Value).AsSensitive();
                    }

                    var key = property.Name.StartsWith("$$", StringComparison.Ordinal) ? property.Name[1..] : property.Name;
                    entries.Add(new(key, Read(property.Value)));
                }

                return Value.Map(entries);
            default:
                return Value.Null;
        }
    }
}
