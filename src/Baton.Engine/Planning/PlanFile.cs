using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Plans;
using Baton.Text;
using Baton.Values;

namespace Baton.Engine.Planning;

/// <summary>
/// A saved plan (<c>baton plan -out FILE</c>): the plan, the variable values it was made with, the state serial it
/// was made against and a hash of the stack files, so <c>baton apply FILE</c> applies exactly that plan and refuses
/// when the stack files or the state have moved. Sensitive values stay encrypted with the stack's key.
/// </summary>
public sealed record PlanFile
{
    private const int FormatVersion = 1;

    /// <summary>The plan.</summary>
    public required Plan Plan { get; init; }

    /// <summary>The stack directory it was made in.</summary>
    public required string Directory { get; init; }

    /// <summary>The hash of the stack files it was made from.</summary>
    public required string SourceHash { get; init; }

    /// <summary>The variable values it was made with.</summary>
    public required ImmutableSortedDictionary<string, Value> Variables { get; init; }

    /// <summary>A hash over the stack files' names and contents.</summary>
    public static string HashSources(IEnumerable<SourceFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file.Path) + "\0" + file.Text + "\0"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Writes the plan file as JSON.</summary>
    public string ToJson(ISecretProtector protector)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = ValueJson.WriterOptions.Encoder }))
        {
            var context = ValueJson.SecretContext(Plan.Stack, "plan", "file");
            writer.WriteStartObject();
            writer.WriteNumber("format", FormatVersion);
            writer.WriteString("stack", Plan.Stack);
            writer.WriteNumber("serial", Plan.Serial);
            writer.WriteBoolean("destroy", Plan.IsDestroy);
            writer.WriteString("directory", Directory);
            writer.WriteString("sourceHash", SourceHash);
            writer.WritePropertyName("variables");
            ValueJson.Write(writer, Value.Map(Variables), protector, context);
            writer.WritePropertyName("outputs");
            ValueJson.Write(writer, Plan.Outputs.IsWhollyKnown ? Plan.Outputs : Value.EmptyMap, protector, context);
            writer.WriteStartArray("changes");
            foreach (var change in Plan.Changes)
            {
                writer.WriteStartObject();
                writer.WriteString("address", change.Address);
                writer.WriteString("type", change.Type);
                writer.WriteString("provider", change.Provider);
                writer.WriteString("action", change.Action.ToString());
                writer.WriteString("reason", change.Reason);
                writer.WriteString("id", change.Id);
                writer.WriteString("deposedKey", change.DeposedKey);
                writer.WriteBoolean("createBeforeDestroy", change.CreateBeforeDestroy);
                writer.WriteStartArray("replaceBecause");
                foreach (var name in change.ReplaceBecause)
                {
                    writer.WriteStringValue(name);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("dependencies");
                foreach (var dependency in change.Dependencies)
                {
                    writer.WriteStringValue(dependency);
                }

                writer.WriteEndArray();
                WriteValue(writer, "priorInputs", change.PriorInputs, protector, context);
                WriteValue(writer, "before", change.Before, protector, context);
                WriteKnownParts(writer, "inputs", change.Inputs, protector, context);
                WriteKnownParts(writer, "after", change.After, protector, context);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            PlannedNotification.WriteArray(writer, "notifications", Plan.Notifications);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Reads a plan file; throws <see cref="InvalidDataException"/> with a clear message when it is not one.</summary>
    public static PlanFile FromJson(string json, ISecretProtector protector)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!root.TryGetProperty("format", out var format) || format.GetInt32() != FormatVersion)
            {
                throw new InvalidDataException($"not a Baton plan file of format {FormatVersion}");
            }

            var stack = root.GetProperty("stack").GetString()!;
            var context = ValueJson.SecretContext(stack, "plan", "file");
            var changes = ImmutableArray.CreateBuilder<ResourceChange>();
            foreach (var item in root.GetProperty("changes").EnumerateArray())
            {
                changes.Add(new ResourceChange
                {
                    Address = item.GetProperty("address").GetString()!,
                    Type = item.GetProperty("type").GetString()!,
                    Provider = item.GetProperty("provider").GetString()!,
                    Action = Enum.Parse<ChangeAction>(item.GetProperty("action").GetString()!),
                    Reason = item.GetProperty("reason").GetString(),
                    Id = item.GetProperty("id").GetString(),
                    DeposedKey = item.GetProperty("deposedKey").GetString(),
                    CreateBeforeDestroy = item.GetProperty("createBeforeDestroy").GetBoolean(),
                    ReplaceBecause = [.. item.GetProperty("replaceBecause").EnumerateArray().Select(e => e.GetString()!)],
                    Dependencies = [.. item.GetProperty("dependencies").EnumerateArray().Select(e => e.GetString()!)],
                    PriorInputs = ReadValue(item, "priorInputs", protector, context),
                    Before = ReadValue(item, "before", protector, context),
                    Inputs = ReadKnownParts(item, "inputs", protector, context),
                    After = ReadKnownParts(item, "after", protector, context),
                });
            }

            var variables = ValueJson.FromElement(root.GetProperty("variables"), protector, context);
            return new PlanFile
            {
                Directory = root.GetProperty("directory").GetString()!,
                SourceHash = root.GetProperty("sourceHash").GetString()!,
                Variables = variables.AsMap(),
                Plan = new Plan
                {
                    Stack = stack,
                    Serial = root.GetProperty("serial").GetInt64(),
                    IsDestroy = root.GetProperty("destroy").GetBoolean(),
                    Changes = changes.ToImmutable(),
                    Outputs = ValueJson.FromElement(root.GetProperty("outputs"), protector, context),
                    Notifications = [.. root.GetProperty("notifications").EnumerateArray().Select(item => new PlannedNotification
                    {
                        Target = item.GetProperty("target").GetString()!,
                        Verb = item.GetProperty("verb").GetString()!,
                        Source = item.GetProperty("source").GetString()!,
                        Timing = item.GetProperty("timing").GetString()!,
                        Pending = item.GetProperty("pending").GetBoolean(),
                    })],
                },
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"the plan file is damaged: {ex.Message}", ex);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, string name, Value? value, ISecretProtector protector, string context)
    {
        writer.WritePropertyName(name);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            ValueJson.Write(writer, value, protector, context);
        }
    }

    /// <summary>Unknown values are written as <c>{"$unknown": true}</c>: state never holds them, but plans do.</summary>
    private static void WriteKnownParts(Utf8JsonWriter writer, string name, Value? value, ISecretProtector protector, string context)
    {
        writer.WritePropertyName(name);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        WriteWithUnknowns(writer, value, protector, context);
    }

    private static void WriteWithUnknowns(Utf8JsonWriter writer, Value value, ISecretProtector protector, string context)
    {
        if (value.IsWhollyKnown)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("known");
            ValueJson.Write(writer, value, protector, context);
            writer.WriteEndObject();
            return;
        }

        writer.WriteStartObject();
        switch (value.Kind)
        {
            case ValueKind.List:
                writer.WriteStartArray("list");
                foreach (var item in value.AsList())
                {
                    WriteWithUnknowns(writer, item, protector, context);
                }

                writer.WriteEndArray();
                break;
            case ValueKind.Map:
                writer.WriteStartObject("map");
                foreach (var (key, item) in value.AsMap())
                {
                    writer.WritePropertyName(key);
                    WriteWithUnknowns(writer, item, protector, context);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteBoolean("unknown", true);
                break;
        }

        writer.WriteBoolean("sensitive", value.IsSensitive);
        writer.WriteEndObject();
    }

    private static Value? ReadValue(JsonElement item, string name, ISecretProtector protector, string context) =>
        item.GetProperty(name).ValueKind == JsonValueKind.Null ? null : ValueJson.FromElement(item.GetProperty(name), protector, context);

    private static Value? ReadKnownParts(JsonElement item, string name, ISecretProtector protector, string context) =>
        item.GetProperty(name).ValueKind == JsonValueKind.Null ? null : ReadWithUnknowns(item.GetProperty(name), protector, context);

    private static Value ReadWithUnknowns(JsonElement element, ISecretProtector protector, string context)
    {
        if (element.TryGetProperty("known", out var known))
        {
            return ValueJson.FromElement(known, protector, context);
        }

        var sensitive = element.TryGetProperty("sensitive", out var mark) && mark.GetBoolean();
        Value value;
        if (element.TryGetProperty("list", out var list))
        {
            value = Value.List(list.EnumerateArray().Select(e => ReadWithUnknowns(e, protector, context)));
        }
        else if (element.TryGetProperty("map", out var map))
        {
            value = Value.Map(map.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, ReadWithUnknowns(p.Value, protector, context))));
        }
        else
        {
            value = Value.UnknownAny;
        }

        return sensitive ? value.AsSensitive() : value;
    }
}
