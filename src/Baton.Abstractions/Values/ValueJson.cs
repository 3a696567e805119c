using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Baton.Values;

/// <summary>
/// The one codec between values and JSON, exactly round-tripping: null, booleans, numbers (integers below 2^53 without
/// exponent, others in shortest round-trip form), strings, lists as arrays and maps as objects. What happens to the
/// sensitive mark, to unknown values and to the escaping is the caller's <see cref="ValueJsonOptions"/>: ordinary JSON
/// (<see cref="ValueJsonOptions.Plain"/>), redacted for people, marked inline, or state's form — a sensitive subtree
/// written as <c>{"$sensitive": "BASE64"}</c>, the envelope of an <see cref="ISecretProtector"/> over the subtree's
/// JSON, bound to a context (where the value lives) and the value's path inside it, or in plain-text mode (an explicit
/// export) as <c>{"$sensitive": {"plaintext": VALUE}}</c>. Errors name the JSON pointer of the value. Pure code, no I/O.
/// </summary>
public static class ValueJson
{
    /// <summary>The property that marks a sensitive value.</summary>
    public const string SensitiveMarker = "$sensitive";

    /// <summary>The property holding a sensitive value written in plain text.</summary>
    public const string PlaintextProperty = "plaintext";

    /// <summary>What the redacted form writes in place of a sensitive value.</summary>
    public const string SensitiveText = "(sensitive)";

    /// <summary>What the redacted form writes in place of a value known only after apply.</summary>
    public const string UnknownText = "(known after apply)";

    private const char ContextSeparator = '\u001f';

    private const double LargestExactInteger = 9007199254740992;

    /// <summary>Writer options used for stored JSON: compact, escaping only what JSON requires.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The context (associated data prefix) of a value stored for <paramref name="stack"/> at <paramref name="place"/>, in field <paramref name="field"/>.</summary>
    public static string SecretContext(string stack, string place, string field) =>
        string.Concat(stack, ContextSeparator.ToString(), place, ContextSeparator.ToString(), field);

    /// <summary>Writes <paramref name="value"/> as <paramref name="options"/> say.</summary>
    public static void Write(Utf8JsonWriter writer, Value value, ValueJsonOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        var path = new PathStack();
        WriteCore(writer, value, options, ref path);
    }

    /// <summary>Writes <paramref name="value"/> in state's form; sensitive parts are sealed with <paramref name="protector"/> unless <paramref name="plaintextSecrets"/>.</summary>
    public static void Write(Utf8JsonWriter writer, Value value, ISecretProtector? protector, string context, bool plaintextSecrets = false) =>
        Write(writer, value, ValueJsonOptions.Stored(protector, context, plaintextSecrets));

    /// <summary>The JSON of <paramref name="value"/> as UTF-8.</summary>
    public static byte[] ToUtf8(Value value, ValueJsonOptions options) => Render(value, options).WrittenSpan.ToArray();

    /// <summary>The JSON of <paramref name="value"/> in state's form, as UTF-8.</summary>
    public static byte[] ToUtf8(Value value, ISecretProtector? protector, string context, bool plaintextSecrets = false) =>
        ToUtf8(value, ValueJsonOptions.Stored(protector, context, plaintextSecrets));

    /// <summary>The JSON text of <paramref name="value"/>.</summary>
    public static string ToJson(Value value, ValueJsonOptions options) => Encoding.UTF8.GetString(Render(value, options).WrittenSpan);

    /// <summary>The JSON text of <paramref name="value"/> in state's form.</summary>
    public static string ToJson(Value value, ISecretProtector? protector, string context, bool plaintextSecrets = false) =>
        ToJson(value, ValueJsonOptions.Stored(protector, context, plaintextSecrets));

    /// <summary>Reads one value from UTF-8 JSON. Throws <see cref="JsonException"/> for malformed input.</summary>
    public static Value Parse(ReadOnlySpan<byte> utf8Json, ValueJsonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 256 });
        var value = Read(ref reader, options);
        if (reader.Read())
        {
            throw new JsonException("Unexpected data after the value.");
        }

        return value;
    }

    /// <summary>Reads one value in state's form from UTF-8 JSON.</summary>
    public static Value Parse(ReadOnlySpan<byte> utf8Json, ISecretProtector? protector, string context) =>
        Parse(utf8Json, ValueJsonOptions.Stored(protector, context));

    /// <summary>Reads one value from JSON text.</summary>
    public static Value Parse(string json, ValueJsonOptions options)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json), options);
    }

    /// <summary>Reads one value in state's form from JSON text.</summary>
    public static Value Parse(string json, ISecretProtector? protector, string context) =>
        Parse(json, ValueJsonOptions.Stored(protector, context));

    /// <summary>Reads one value from a parsed JSON element.</summary>
    public static Value FromElement(JsonElement element, ValueJsonOptions options) =>
        Parse(JsonMarshal.GetRawUtf8Value(element), options);

    /// <summary>Reads one value in state's form from a parsed JSON element.</summary>
    public static Value FromElement(JsonElement element, ISecretProtector? protector, string context) =>
        FromElement(element, ValueJsonOptions.Stored(protector, context));

    /// <summary>Reads the value at the reader's position (reading the first token if none was read yet), leaving the reader on its last token.</summary>
    public static Value Read(ref Utf8JsonReader reader, ValueJsonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (reader.TokenType == JsonTokenType.None && !reader.Read())
        {
            throw new JsonException("Expected a value.");
        }

        var path = new PathStack();
        return ReadCore(ref reader, options, ref path);
    }

    /// <summary>Reads a value in state's form at the reader's position.</summary>
    public static Value Read(ref Utf8JsonReader reader, ISecretProtector? protector, string context) =>
        Read(ref reader, ValueJsonOptions.Stored(protector, context));

    private static ArrayBufferWriter<byte> Render(Value value, ValueJsonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder }))
        {
            Write(writer, value, options);
        }

        return buffer;
    }

    private static void WriteCore(Utf8JsonWriter writer, Value value, ValueJsonOptions options, ref PathStack path)
    {
        if (value.IsSensitive && options.Sensitive != SensitiveForm.Dropped)
        {
            WriteSensitive(writer, value, options, ref path);
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
                var number = value.AsNumber();
                // Integers without exponent: 1000000000000000, not 1E+15.
                if (number == Math.Floor(number) && Math.Abs(number) < LargestExactInteger)
                {
                    writer.WriteNumberValue((long)number);
                }
                else
                {
                    writer.WriteNumberValue(number);
                }

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
                    WriteCore(writer, items[i], options, ref path);
                    path.Pop();
                }

                writer.WriteEndArray();
                break;
            case ValueKind.Map:
                writer.WriteStartObject();
                foreach (var (key, item) in value.AsMap())
                {
                    CheckText(key, ref path);
                    if (options.Marked && key.StartsWith('$'))
                    {
                        writer.WritePropertyName("$" + key);
                    }
                    else
                    {
                        writer.WritePropertyName(key);
                    }

                    path.Push(key);
                    WriteCore(writer, item, options, ref path);
                    path.Pop();
                }

                writer.WriteEndObject();
                break;
            case ValueKind.Unknown when options.RedactUnknown:
                writer.WriteStringValue(UnknownText);
                break;
            case ValueKind.Unknown:
            default:
                throw new InvalidOperationException($"A value known only after apply has no JSON form (at {path.Format()}).");
        }
    }

    private static void WriteSensitive(Utf8JsonWriter writer, Value value, ValueJsonOptions options, ref PathStack path)
    {
        if (options.Sensitive == SensitiveForm.Redacted)
        {
            writer.WriteStringValue(SensitiveText);
            return;
        }

        var inner = value.WithoutSensitivity();
        writer.WriteStartObject();
        writer.WritePropertyName(SensitiveMarker);
        switch (options.Sensitive)
        {
            case SensitiveForm.Inline:
                WriteCore(writer, inner, options, ref path);
                break;
            case SensitiveForm.Plaintext:
                writer.WriteStartObject();
                writer.WritePropertyName(PlaintextProperty);
                WriteCore(writer, inner, options, ref path);
                writer.WriteEndObject();
                break;
            default:
                if (options.Protector is null)
                {
                    throw new InvalidOperationException($"A sensitive value (at {path.Format()}) needs a secret protector to be written.");
                }

                // Marks inside the subtree survive in plain-text form inside the ciphertext.
                var buffer = new ArrayBufferWriter<byte>(64);
                using (var innerWriter = new Utf8JsonWriter(buffer, WriterOptions))
                {
                    WriteCore(innerWriter, inner, options with { Sensitive = SensitiveForm.Plaintext }, ref path);
                }

                writer.WriteBase64StringValue(options.Protector.Protect(buffer.WrittenSpan, AssociatedData(options.Context, ref path)));
                break;
        }

        writer.WriteEndObject();
    }

    private static Value ReadCore(ref Utf8JsonReader reader, ValueJsonOptions options, ref PathStack path)
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
                    items.Add(ReadCore(ref reader, options, ref path));
                    path.Pop();
                }

                return items.Count == 0 ? Value.EmptyList : Value.List(items.DrainToImmutable());
            case JsonTokenType.StartObject:
                return ReadObject(ref reader, options, ref path);
            default:
                throw new JsonException($"Unexpected {reader.TokenType} at {path.Format()}.");
        }
    }

    private static Value ReadObject(ref Utf8JsonReader reader, ValueJsonOptions options, ref PathStack path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            return Value.EmptyMap;
        }

        if (options.Marked && reader.ValueTextEquals(SensitiveMarker))
        {
            reader.Read();
            var secret = options.Sensitive == SensitiveForm.Inline
                ? ReadCore(ref reader, options, ref path).AsSensitive()
                : ReadSensitive(ref reader, options, ref path);
            if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject)
            {
                throw new JsonException($"A {SensitiveMarker} marker (at {path.Format()}) must be the object's only property.");
            }

            return secret;
        }

        var entries = new List<KeyValuePair<string, Value>>();
        while (reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (options.Marked && key.StartsWith('$'))
            {
                if (key.Length < 2 || key[1] != '$')
                {
                    throw new JsonException($"Unexpected property \"{key}\" at {path.Format()}: map keys starting with $ are written as $$.");
                }

                key = key[1..];
            }

            reader.Read();
            path.Push(key);
            entries.Add(new(key, ReadCore(ref reader, options, ref path)));
            path.Pop();
            reader.Read();
        }

        var map = Value.Map(entries);
        if (options.Marked && map.AsMap().Count != entries.Count)
        {
            throw new JsonException($"The object at {path.Format()} has a duplicate key.");
        }

        return map;
    }

    private static Value ReadSensitive(ref Utf8JsonReader reader, ValueJsonOptions options, ref PathStack path)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (options.Protector is null)
            {
                throw new InvalidOperationException($"The value at {path.Format()} is encrypted and no secret key was given.");
            }

            if (!reader.TryGetBytesFromBase64(out var envelope))
            {
                throw new JsonException($"The encrypted value at {path.Format()} is not base64.");
            }

            var plaintext = options.Protector.Unprotect(envelope, AssociatedData(options.Context, ref path));
            var inner = new Utf8JsonReader(plaintext);
            inner.Read();
            return ReadCore(ref inner, options, ref path).AsSensitive();
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals(PlaintextProperty))
            {
                throw new JsonException($"A {SensitiveMarker} object (at {path.Format()}) must hold \"{PlaintextProperty}\".");
            }

            reader.Read();
            var value = ReadCore(ref reader, options, ref path).AsSensitive();
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
