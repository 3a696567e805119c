using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Baton.Values;

namespace Baton.State.Sqlite;

/// <summary>Turns values, address lists and times into column values and back. One instance per connection (not thread-safe).</summary>
internal sealed class Codec : IDisposable
{
    private readonly ISecretProtector _protector;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public Codec(ISecretProtector protector)
    {
        _protector = protector;
        _writer = new Utf8JsonWriter(_buffer, ValueJson.WriterOptions);
    }

    public string Json(Value value, string context)
    {
        Reset();
        ValueJson.Write(_writer, value, _protector, context);
        return Finish();
    }

    public string Json(ImmutableArray<string> addresses)
    {
        if (addresses.IsDefaultOrEmpty)
        {
            return "[]";
        }

        Reset();
        _writer.WriteStartArray();
        foreach (var address in addresses)
        {
            _writer.WriteStringValue(address);
        }

        _writer.WriteEndArray();
        return Finish();
    }

    public Value ReadValue(ReadOnlySpan<byte> json, string context) => ValueJson.Parse(json, _protector, context);

    public static ImmutableArray<string> ReadAddresses(ReadOnlySpan<byte> json)
    {
        if (json.Length <= 2)
        {
            return [];
        }

        var reader = new Utf8JsonReader(json);
        reader.Read();
        var builder = ImmutableArray.CreateBuilder<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            builder.Add(reader.GetString()!);
        }

        return builder.DrainToImmutable();
    }

    public static long Time(DateTimeOffset at) => at.UtcTicks;

    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    public static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static T Parse<T>(string text)
        where T : struct, Enum => Enum.Parse<T>(text, ignoreCase: true);

    public void Dispose() => _writer.Dispose();

    private void Reset()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
    }

    private string Finish()
    {
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }
}
