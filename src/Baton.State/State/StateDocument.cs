using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Baton.Values;

namespace Baton.State;

/// <summary>
/// A stack's state as a JSON document, for <c>baton state export|import</c>:
/// <c>{"format_version": 1, "stack", "serial", "outputs", "resources": [{"address", "deposed_key", "type", "provider",
/// "id", "status", "dependencies", "inputs", "attributes"}], "notifications": [{"target", "verb", "source", "timing",
/// "queued_at"}], "facts": [{"host", "gathered_at", "facts"}]}</c> (notifications only when some are pending, facts
/// only when some were gathered). Values use <see cref="ValueJson"/>: sensitive ones stay
/// encrypted (bound to the stack and resource, so the document imports only with the same secret key) unless exported
/// in plain text on request. Reading validates the whole document before returning anything.
/// </summary>
public sealed record StateDocument
{
    /// <summary>The format version this code writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The stack the document was exported from.</summary>
    public required string SourceStack { get; init; }

    /// <summary>The state it holds, for the stack it is imported into.</summary>
    public required StackState State { get; init; }

    /// <summary>
    /// Writes <paramref name="state"/> as an indented document. Sensitive values are encrypted with
    /// <paramref name="protector"/>, or written in plain text when <paramref name="plaintextSecrets"/> is set.
    /// </summary>
    public static string ToJson(StackState state, ISecretProtector? protector, bool plaintextSecrets = false)
    {
        ArgumentNullException.ThrowIfNull(state);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ValueJson.WriterOptions with { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("format_version", CurrentFormatVersion);
            writer.WriteString("stack", state.Stack);
            writer.WriteNumber("serial", state.Serial);
            writer.WritePropertyName("outputs");
            ValueJson.Write(writer, state.Outputs, protector, ValueJson.SecretContext(state.Stack, string.Empty, "outputs"), plaintextSecrets);
            writer.WriteStartArray("resources");
            foreach (var (key, resource) in state.Resources)
            {
                writer.WriteStartObject();
                writer.WriteString("address", resource.Address);
                writer.WriteString("deposed_key", resource.DeposedKey);
                writer.WriteString("type", resource.Type);
                writer.WriteString("provider", resource.Provider);
                writer.WriteString("id", resource.Id);
                writer.WriteString("status", resource.Status.ToString().ToLowerInvariant());
                writer.WriteStartArray("dependencies");
                foreach (var dependency in resource.Dependencies.IsDefault ? [] : resource.Dependencies)
                {
                    writer.WriteStringValue(dependency);
                }

                writer.WriteEndArray();
                writer.WritePropertyName("inputs");
                ValueJson.Write(writer, resource.Inputs, protector, ValueJson.SecretContext(state.Stack, key, "inputs"), plaintextSecrets);
                writer.WritePropertyName("attributes");
                ValueJson.Write(writer, resource.Attributes, protector, ValueJson.SecretContext(state.Stack, key, "attributes"), plaintextSecrets);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (!state.Notifications.IsEmpty)
            {
                writer.WriteStartArray("notifications");
                foreach (var notification in state.Notifications)
                {
                    writer.WriteStartObject();
                    writer.WriteString("target", notification.Target);
                    writer.WriteString("verb", notification.Verb);
                    writer.WriteString("source", notification.Source);
                    writer.WriteString("timing", notification.Timing);
                    writer.WriteString("queued_at", notification.QueuedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (!state.Facts.IsEmpty)
            {
                writer.WriteStartArray("facts");
                foreach (var record in state.Facts.Values)
                {
                    writer.WriteStartObject();
                    writer.WriteString("host", record.Host);
                    writer.WriteString("gathered_at", record.GatheredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                    writer.WritePropertyName("facts");
                    ValueJson.Write(writer, record.Facts, protector, ValueJson.SecretContext(state.Stack, record.Host, "facts"), plaintextSecrets);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    /// <summary>
    /// Reads a document for import into <paramref name="targetStack"/>. Throws <see cref="FormatException"/> naming the
    /// first problem (with its JSON path) when anything is wrong, including a document exported from another stack
    /// unless <paramref name="allowOtherStack"/>; encrypted values need <paramref name="protector"/> with the key that
    /// wrote them.
    /// </summary>
    public static StateDocument FromJson(string json, ISecretProtector? protector, string targetStack, bool allowOtherStack = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(targetStack);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The state document is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            Expect(root, JsonValueKind.Object, "$");
            CheckProperties(root, "$", "format_version", "stack", "serial", "outputs", "resources", "notifications", "facts");
            var version = Required(root, "format_version", "$");
            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number) || number != CurrentFormatVersion)
            {
                throw new FormatException($"$.format_version: this Baton reads state documents of format version {CurrentFormatVersion}, not {version.GetRawText()}.");
            }

            var stack = RequiredString(root, "stack", "$");
            if (!string.Equals(stack, targetStack, StringComparison.Ordinal) && !allowOtherStack)
            {
                throw new FormatException($"The document holds the state of stack '{stack}', not '{targetStack}'; import it anyway only if that is intended.");
            }

            var serialElement = Required(root, "serial", "$");
            if (serialElement.ValueKind != JsonValueKind.Number || !serialElement.TryGetInt64(out var serial) || serial < 0)
            {
                throw new FormatException("$.serial: expected a whole number of 0 or more.");
            }

            var outputs = ReadMap(Required(root, "outputs", "$"), protector, ValueJson.SecretContext(stack, string.Empty, "outputs"), "$.outputs");
            var resourcesElement = Required(root, "resources", "$");
            Expect(resourcesElement, JsonValueKind.Array, "$.resources");
            var resources = ImmutableSortedDictionary.CreateBuilder<string, ResourceState>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in resourcesElement.EnumerateArray())
            {
                var resource = ReadResource(element, protector, stack, $"$.resources[{index.ToString(CultureInfo.InvariantCulture)}]");
                if (!resources.TryAdd(resource.Key, resource))
                {
                    throw new FormatException($"$.resources[{index}]: resource '{resource.Key}' appears twice.");
                }

                index++;
            }

            var notifications = ImmutableArray.CreateBuilder<PendingNotification>();
            if (root.TryGetProperty("notifications", out var notificationList))
            {
                Expect(notificationList, JsonValueKind.Array, "$.notifications");
                foreach (var element in notificationList.EnumerateArray())
                {
                    notifications.Add(ReadNotification(element, $"$.notifications[{notifications.Count.ToString(CultureInfo.InvariantCulture)}]"));
                }
            }

            var facts = ImmutableSortedDictionary.CreateBuilder<string, HostFactsRecord>(StringComparer.Ordinal);
            if (root.TryGetProperty("facts", out var factList))
            {
                Expect(factList, JsonValueKind.Array, "$.facts");
                foreach (var element in factList.EnumerateArray())
                {
                    var path = $"$.facts[{facts.Count.ToString(CultureInfo.InvariantCulture)}]";
                    var record = ReadFacts(element, protector, stack, path);
                    if (!facts.TryAdd(record.Host, record))
                    {
                        throw new FormatException($"{path}: the facts of host '{record.Host}' appear twice.");
                    }
                }
            }

            return new StateDocument
            {
                SourceStack = stack,
                State = new StackState
                {
                    Stack = targetStack,
                    Serial = serial,
                    Outputs = outputs,
                    Resources = resources.ToImmutable(),
                    Notifications = notifications.ToImmutable(),
                    Facts = facts.ToImmutable(),
                },
            };
        }
    }

    private static HostFactsRecord ReadFacts(JsonElement element, ISecretProtector? protector, string stack, string path)
    {
        Expect(element, JsonValueKind.Object, path);
        CheckProperties(element, path, "host", "gathered_at", "facts");
        var host = RequiredString(element, "host", path);
        return new HostFactsRecord
        {
            Host = host,
            GatheredAt = RequiredTime(element, "gathered_at", path),
            Facts = ReadMap(Required(element, "facts", path), protector, ValueJson.SecretContext(stack, host, "facts"), path + ".facts"),
        };
    }

    private static DateTimeOffset RequiredTime(JsonElement element, string name, string path)
    {
        var text = RequiredString(element, name, path);
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new FormatException($"{path}.{name}: expected a time such as 2026-01-01T00:00:00Z, not '{text}'.");
        }

        return at;
    }

    private static PendingNotification ReadNotification(JsonElement element, string path)
    {
        Expect(element, JsonValueKind.Object, path);
        CheckProperties(element, path, "target", "verb", "source", "timing", "queued_at");
        var timing = RequiredString(element, "timing", path);
        if (timing is not ("delayed" or "immediate"))
        {
            throw new FormatException($"{path}.timing: expected delayed or immediate, not '{timing}'.");
        }

        var at = RequiredTime(element, "queued_at", path);
        return new PendingNotification
        {
            Target = RequiredString(element, "target", path),
            Verb = RequiredString(element, "verb", path),
            Source = RequiredString(element, "source", path),
            Timing = timing,
            QueuedAt = at,
        };
    }

    private static ResourceState ReadResource(JsonElement element, ISecretProtector? protector, string stack, string path)
    {
        Expect(element, JsonValueKind.Object, path);
        CheckProperties(element, path, "address", "deposed_key", "type", "provider", "id", "status", "dependencies", "inputs", "attributes");
        var address = RequiredString(element, "address", path);
        string? deposedKey = null;
        if (element.TryGetProperty("deposed_key", out var deposed) && deposed.ValueKind != JsonValueKind.Null)
        {
            Expect(deposed, JsonValueKind.String, path + ".deposed_key");
            deposedKey = deposed.GetString();
        }

        var statusText = RequiredString(element, "status", path);
        if (!Enum.TryParse<ResourceStatus>(statusText, ignoreCase: true, out var status) || !Enum.IsDefined(status) || statusText.Any(char.IsDigit))
        {
            throw new FormatException($"{path}.status: expected ready, tainted or deposed, not '{statusText}'.");
        }

        var dependencies = ImmutableArray.CreateBuilder<string>();
        if (element.TryGetProperty("dependencies", out var dependencyList))
        {
            Expect(dependencyList, JsonValueKind.Array, path + ".dependencies");
            foreach (var dependency in dependencyList.EnumerateArray())
            {
                Expect(dependency, JsonValueKind.String, path + ".dependencies[]");
                dependencies.Add(dependency.GetString()!);
            }
        }

        var key = deposedKey is null ? address : $"{address}#{deposedKey}";
        return new ResourceState
        {
            Address = address,
            DeposedKey = deposedKey,
            Type = RequiredString(element, "type", path),
            Provider = RequiredString(element, "provider", path),
            Id = RequiredString(element, "id", path),
            Status = status,
            Dependencies = dependencies.DrainToImmutable(),
            Inputs = ReadMap(Required(element, "inputs", path), protector, ValueJson.SecretContext(stack, key, "inputs"), path + ".inputs"),
            Attributes = ReadMap(Required(element, "attributes", path), protector, ValueJson.SecretContext(stack, key, "attributes"), path + ".attributes"),
        };
    }

    private static Value ReadMap(JsonElement element, ISecretProtector? protector, string context, string path)
    {
        Value value;
        try
        {
            value = ValueJson.FromElement(element, protector, context);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }

        if (value.Kind != ValueKind.Map)
        {
            throw new FormatException($"{path}: expected an object.");
        }

        return value;
    }

    private static JsonElement Required(JsonElement parent, string name, string path) =>
        parent.TryGetProperty(name, out var value) ? value : throw new FormatException($"{path}: \"{name}\" is missing.");

    private static string RequiredString(JsonElement parent, string name, string path)
    {
        var value = Required(parent, name, path);
        Expect(value, JsonValueKind.String, $"{path}.{name}");
        var text = value.GetString()!;
        return text.Length > 0 ? text : throw new FormatException($"{path}.{name}: must not be empty.");
    }

    private static void Expect(JsonElement element, JsonValueKind kind, string path)
    {
        if (element.ValueKind != kind)
        {
            throw new FormatException($"{path}: expected {kind.ToString().ToLowerInvariant()}, found {element.ValueKind.ToString().ToLowerInvariant()}.");
        }
    }

    private static void CheckProperties(JsonElement element, string path, params string[] known)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new FormatException($"{path}: unexpected property \"{property.Name}\".");
            }

            if (!seen.Add(property.Name))
            {
                throw new FormatException($"{path}: property \"{property.Name}\" appears twice.");
            }
        }
    }
}
