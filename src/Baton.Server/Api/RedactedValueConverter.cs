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
    public override Value Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        return ValueJson.Read(ref reader, ValueJsonOptions.Plain);
    }

    public override void Write(Utf8JsonWriter writer, Value value, JsonSerializerOptions options) => ValueJson.Write(writer, value, ValueJsonOptions.Redacted);
}
