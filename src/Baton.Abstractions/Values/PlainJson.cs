using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Baton.Values;

/// <summary>
/// Values as ordinary JSON (for <c>jsonencode</c>/<c>jsondecode</c>, HTTP bodies, provider payloads): no markers, so the
/// sensitive mark is dropped and unknown values cannot be written. State uses its own format with encrypted secrets.
/// </summary>
public static class PlainJson
{
    /// <summary>What <see cref="WriteRedacted"/> writes in place of a sensitive value.</summary>
    public const string SensitiveText = "(sensitive)";

    /// <summary>What <see cref="WriteRedacted"/> writes in place of a value known only after apply.</summary>
    public const string UnknownText = "(known after apply)";

    /// <summary>Writes <paramref name="value"/>; throws for unknown values.</summary>
    public static void Write(Utf8JsonWriter writer, Value value) => Write(writer, value, redact: false);

    /// <summary>
    /// Writes <paramref name="value"/> for people and clients that must never see a secret: every sensitive part as
    /// <c>"(sensitive)"</c> and every unknown part as <c>"(known after apply)"</c>.
    /// </summary>
    public static void WriteRedacted(Utf8JsonWriter writer, Value value) => Write(writer, value, redact: true);

    private static void Write(Utf8JsonWriter writer, Value value, bool redact)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (redact && value.IsSensitive)
        {
            writer.WriteStringValue(SensitiveText);
            return;
        }

        switch (value.Kind)
        {
            case ValueKind.Bool:
                writer.WriteBooleanValue(value.AsBool());
                break;
            case ValueKind.Number:
                var number = value.AsNumber();
                if (number == Math.Floor(number) && Math.Abs(number) < 9007199254740992)
                {
                    writer.WriteNumberValue((long)number);
                }
                else
                {
                    writer.WriteNumberValue(number);
                }

                break;
            case ValueKind.String:
                writer.WriteStringValue(value.AsString());
                break;
            case ValueKind.List:
                writer.WriteStartArray();
                foreach (var item in value.AsList())
                {
                    Write(writer, item, redact);
                }

                writer.WriteEndArray();
                break;
            case ValueKind.Map:
                writer.WriteStartObject();
                foreach (var (key, item) in value.AsMap())
                {
                    writer.WritePropertyName(key);
                    Write(writer, item, redact);
                }

                writer.WriteEndObject();
                break;
            case ValueKind.Unknown when redact:
                writer.WriteStringValue(UnknownText);
                break;
            case ValueKind.Unknown:
                throw new InvalidOperationException("A value known only after apply has no JSON form.");
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>The JSON text of <paramref name="value"/>.</summary>
    public static string ToJson(Value value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The value of a JSON element; null when a number in it is too large for a double.</summary>
    public static Value? Read(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var entries = new List<KeyValuePair<string, Value>>();
                foreach (var property in element.EnumerateObject())
                {
                    if (Read(property.Value) is not { } value)
                    {
                        return null;
                    }

                    entries.Add(new(property.Name, value));
                }

                return Value.Map(entries);
            case JsonValueKind.Array:
                var items = new List<Value>();
                foreach (var item in element.EnumerateArray())
                {
                    if (Read(item) is not { } value)
                    {
                        return null;
                    }

                    items.Add(value);
                }

                return Value.List(items);
            case JsonValueKind.String:
                return Value.String(element.GetString() ?? string.Empty);
            case JsonValueKind.Number:
                return element.TryGetDouble(out var number) && double.IsFinite(number) ? Value.Number(number) : null;
            case JsonValueKind.True:
                return Value.True;
            case JsonValueKind.False:
                return Value.False;
            default:
                return Value.Null;
        }
    }
}
