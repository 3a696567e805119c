using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Baton.Values;

namespace Baton.State;

/// <summary>
/// Values as JSON, exactly round-tripping: null, booleans, numbers (shortest round-trip form), strings, lists as
/// arrays and maps as objects. A sensitive value (leaf or subtree) is written as <c>{"$sensitive": "BASE64"}</c>, the
/// envelope of an <see cref="ISecretProtector"/> over the subtree's JSON, bound to a context (where the value lives)
/// and the value's path inside it; in plain-text mode (an explicit export option) as
/// <c>{"$sensitive": {"plaintext": VALUE}}</c>. Map keys starting with <c>$</c> are escaped by doubling it, so user
/// data never looks like the marker. Unknown values are refused: state never holds them. Pure code, no I/O.
/// </summary>
public static class ValueJson
{
    /// <summary>The property that marks a sensitive value.</summary>
    public const string SensitiveMarker = "$sensitive";

    /// <summary>The property holding a sensitive value written in plain text.</summary>
    public const string PlaintextProperty = "plaintext";

    private const char ContextSeparator = '\u001f';

    /// <summary>Writer options used for stored JSON: compact, escaping only what JSON requires.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The context (associated data prefix) of a value stored for <paramref name="stack"/> at <paramref name="place"/>, in field <paramref name="field"/>.</summary>
    public static string SecretContext(string stack, string place, string field) =>
        string.Concat(stack, ContextSeparator.ToString(), place, ContextSeparator.ToString(), field);

    /// <summary>Writes <paramref name="value"/>; sensitive parts are encrypted with <paramref name="protector"/> unless <paramref name="plaintextSecrets"/>.</summary>
    public static void Write(Utf8JsonWriter writer, Value value, ISecretProtector? protector, string context, bool plaintextSecrets = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var path = new PathStack();
        WriteCore(writer, value, new Settings(protector, context, plaintextSecrets), ref path);
    }

    /// <summary>The JSON of <paramref name="value"/> as UTF-8.</summary>
    public static byte[] ToUtf8(Value value, ISecretProtector? protector, string context, bool plaintextSecrets = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, value, protector, context, plaintextSecrets);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The JSON of <paramref name="value"/> as a string.</summary>
    public static string ToJson(Value value, ISecretProtector? protector, string context, bool plaintextSecrets = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, value, protector, context, plaintextSecrets);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads one value from UTF-8 JSON. Throws <see cref="JsonException"/> for malformed input.</summary>
    public static Value Parse(ReadOnlySpan<byte> utf8Json, ISecretProtector? protector, string context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 256 });
        var value = Read(ref reader, protector, context);
        if (reader.Read())
        {
            throw new JsonException("Unexpected data after the value.");
        }

        return value;
    }

    /// <summary>Reads one value from JSON text.</summary>
    public static Value Parse(string json, ISecretProtector? protector, string context)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json), protector, context);
    }

    /// <summary>Reads one value from a parsed JSON element.</summary>
    public static Value FromElement(JsonElement element, ISecretProtector? protector, string context) =>
        Parse(JsonMarshal.GetRawUtf8Value(element), protector, context);

    /// <summary>Reads the value at the reader's position (reading the first token if none was read yet), leaving the reader on its last token.</summary>
    public static Value Read(ref Utf8JsonReader reader, ISecretProtector? protector, string context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (reader.TokenType == JsonTokenType.None && !reader.Read())
        {
            throw new JsonException("Expected a value.");
        }

        var path = new PathStack();
        return ReadCore(ref reader, new Settings(protector, context, false), ref path);
    }

    private static void WriteCore(Utf8JsonWriter writer, Value value, Settings settings, ref PathStack path)
    {
        if (value.IsSensitive)
        {
            WriteSensitive(writer, value, settings, ref path);
            return;
        }

        switch (value.Kind)
        {
            case ValueKind.Null:
                writer.WriteNullValue();
                break;
            case ValueKind.Bool:
                writer.WriteBooleanValue(value.AsBool());
                break;
            case ValueKind.Number:
                writer.WriteNumberValue(value.AsNumber());
                break;
            case ValueKind.String:
                var text = value.AsString();
                CheckText(text, ref path);
                writer.WriteStringValue(text);
                break;
            case ValueKind.List:
                writer.WriteStartArray();
                var items = value.AsList();
                for (var i = 0; i < items.Length; i++)
                {
                    path.Push(i);
                    WriteCore(writer, items[i], settings, ref path);
                    path.Pop();
                }

                writer.WriteEndArray();
                break;
            case ValueKind.Map:
                writer.WriteStartObject();
                foreach (var (key, item) in value.AsMap())
                {
                    CheckText(key, ref path);
                    if (key.StartsWith('$'))
                    {
                        writer.WritePropertyName("$" + key);
                    }
                    else
                    {
                        writer.WritePropertyName(key);
                    }

                    path.Push(key);
                    WriteCore(writer, item, settings, ref path);
                    path.Pop();
                }

                writer.WriteEndObject();
                break;
            case ValueKind.Unknown:
            default:
                throw new InvalidOperationException($"State cannot hold a value that is not known yet (at {path.Format()}).");
        }
    }

    private static void WriteSensitive(Utf8JsonWriter writer, Value value, Settings settings, ref PathStack path)
    {
        var inner = value.WithoutSensitivity();
        writer.WriteStartObject();
        writer.WritePropertyName(SensitiveMarker);
        if (settings.PlaintextSecrets)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(PlaintextProperty);
            WriteCore(writer, inner, settings, ref path);
            writer.WriteEndObject();
        }
        else
        {
            if (settings.Protector is null)
            {
                throw new InvalidOperationException($"A sensitive value (at {path.Format()}) needs a secret protector to be written.");
            }

            // Marks inside the subtree survive in plain-text form inside the ciphertext.
            var buffer = new ArrayBufferWriter<byte>(64);
            using (var innerWriter = new Utf8JsonWriter(buffer, WriterOptions))
            {
                WriteCore(innerWriter, inner, settings with { PlaintextSecrets = true }, ref path);
            }

            var envelope = settings.Protector.Protect(buffer.WrittenSpan, AssociatedData(settings.Context, ref path));
            writer.WriteBase64StringValue(envelope);
        }

        writer.WriteEndObject();
    }

    private static Value ReadCore(ref Utf8JsonReader reader, Settings settings, ref PathStack path)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return Value.Null;
            case JsonTokenType.True:
                return Value.True;
            case JsonTokenType.False:
                return Value.False;
            case JsonTokenType.Number:
                if (!reader.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    throw new JsonException($"The number at {path.Format()} is out of range.");
                }

                return Value.Number(number);
            case JsonTokenType.String:
                return Value.String(reader.GetString()!);
            case JsonTokenType.StartArray:
                var items = ImmutableArray.CreateBuilder<Value>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    path.Push(items.Count);
                    items.Add(ReadCore(ref reader, settings, ref path));
                    path.Pop();
                }

                return items.Count == 0 ? Value.EmptyList : Value.List(items.DrainToImmutable());
            case JsonTokenType.StartObject:
                return ReadObject(ref reader, settings, ref path);
            default:
                throw new JsonException($"Unexpected {reader.TokenType} at {path.Format()}.");
        }
    }

    private static Value ReadObject(ref Utf8JsonReader reader, Settings settings, ref PathStack path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            return Value.EmptyMap;
        }

        if (reader.ValueTextEquals(SensitiveMarker))
        {
            reader.Read();
            var secret = ReadSensitive(ref reader, settings, ref path);
            if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject)
            {
                throw new JsonException($"A {SensitiveMarker} marker (at {path.Format()}) must be the object's only property.");
            }

            return secret;
        }

        var entries = new List<KeyValuePair<string, Value>>();
        while (reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            string key;
            if (name.StartsWith('$'))
            {
                if (name.Length < 2 || name[1] != '$')
                {
                    throw new JsonException($"Unexpected property \"{name}\" at {path.Format()}: map keys starting with $ are written as $$.");
                }

                key = name[1..];
            }
            else
            {
                key = name;
            }

            reader.Read();
            path.Push(key);
            entries.Add(new(key, ReadCore(ref reader, settings, ref path)));
            path.Pop();
            reader.Read();
        }

        var map = Value.Map(entries);
        if (map.AsMap().Count != entries.Count)
        {
            throw new JsonException($"The object at {path.Format()} has a duplicate key.");
        }

        return map;
    }

    private static Value ReadSensitive(ref Utf8JsonReader reader, Settings settings, ref PathStack path)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (settings.Protector is null)
            {
                throw new InvalidOperationException($"The value at {path.Format()} is encrypted and no secret key was given.");
            }

            if (!reader.TryGetBytesFromBase64(out var envelope))
            {
                throw new JsonException($"The encrypted value at {path.Format()} is not base64.");
            }

            var plaintext = settings.Protector.Unprotect(envelope, AssociatedData(settings.Context, ref path));
            var inner = new Utf8JsonReader(plaintext);
            inner.Read();
            return ReadCore(ref inner, settings, ref path).AsSensitive();
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals(PlaintextProperty))
            {
                throw new JsonException($"A {SensitiveMarker} object (at {path.Format()}) must hold \"{PlaintextProperty}\".");
            }

            reader.Read();
            var value = ReadCore(ref reader, settings, ref path).AsSensitive();
            if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject)
            {
                throw new JsonException($"A {SensitiveMarker} object (at {path.Format()}) must hold only \"{PlaintextProperty}\".");
            }

            return value;
        }

        throw new JsonException($"A {SensitiveMarker} marker (at {path.Format()}) must hold an encrypted string or a plaintext object.");
    }

    private static string AssociatedData(string context, ref PathStack path) =>
        string.Concat(context, ContextSeparator.ToString(), path.Format());

    private static void CheckText(string text, ref PathStack path)
    {
        var span = text.AsSpan();
        if (span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return;
        }

        for (var i = 0; i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(span[i]))
            {
                throw new ArgumentException($"The text at {path.Format()} is not valid Unicode (a lone surrogate at index {i}).");
            }
        }
    }

    private sealed record Settings(ISecretProtector? Protector, string Context, bool PlaintextSecrets);

    /// <summary>The path of the value being read or written, as a JSON pointer (<c>/tags/0</c>); built into text only when needed.</summary>
    private struct PathStack
    {
        private List<(string? Key, int Index)>? _segments;

        public void Push(string key) => (_segments ??= []).Add((key, 0));

        public void Push(int index) => (_segments ??= []).Add((null, index));

        public readonly void Pop() => _segments!.RemoveAt(_segments.Count - 1);

        public readonly string Format()
        {
            if (_segments is null || _segments.Count == 0)
            {
                return "/";
            }

            var builder = new StringBuilder();
            foreach (var (key, index) in _segments)
            {
                builder.Append('/');
                if (key is null)
                {
                    builder.Append(index.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
                }
            }

            return builder.ToString();
        }
    }
}
