using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>
/// One small JSON file per service under <c>STATE/process/registry/</c>, named by its id. The id is derived from the
/// create's idempotency key, so a read by key after a crash, and a retried create, find the same file. Files are
/// written to a temp file and renamed, so a crash leaves the old or the new version, never half of one.
/// </summary>
internal sealed class ServiceRegistry(string directory)
{
    private readonly Lock _lock = new();

    public static string IdFor(string idempotencyKey) =>
        "proc-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..20];

    public static bool IsValidId(string id) =>
        id.Length == 25 && id.StartsWith("proc-", StringComparison.Ordinal) && id[5..].All(char.IsAsciiHexDigitLower);

    public ServiceState<ReplicaRecord>? Find(string id)
    {
        if (!IsValidId(id))
        {
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText(PathOf(id));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var root = JsonNode.Parse(text)!.AsObject();
        var replicas = root["replicas"]!.AsArray().Select(r => new ReplicaRecord(
            (int)r!["index"]!,
            (int)r["pid"]!,
            (long)r["start_ticks"]!,
            r["port"] is { } port ? (int)port : null,
            r["rollout"] is { } rollout && (bool)rollout,
            r["launch"] is { } launch ? (string?)launch : null,
            r["inputs"] is { } own ? FromNode(own) : null));
        return new ServiceState<ReplicaRecord>
        {
            Id = (string)root["id"]!,
            Address = (string)root["address"]!,
            Inputs = FromNode(root["inputs"]),
            Replicas = [.. replicas],
            RolloutInputs = root["rollout_inputs"] is { } rolloutInputs ? FromNode(rolloutInputs) : null,
        };
    }

    public void Save(ServiceState<ReplicaRecord> record)
    {
        var replicas = new JsonArray();
        foreach (var replica in record.Replicas)
        {
            var entry = new JsonObject
            {
                ["index"] = replica.Index,
                ["pid"] = replica.Pid,
                ["start_ticks"] = replica.StartTicks,
                ["port"] = replica.Port,
            };
            if (replica.Rollout)
            {
                entry["rollout"] = true;
            }

            if (replica.Launch is { } launch)
            {
                entry["launch"] = launch;
            }

            if (replica.OwnInputs is { } own)
            {
                entry["inputs"] = Node(own);
            }

            replicas.Add(entry);
        }

        var root = new JsonObject
        {
            ["id"] = record.Id,
            ["address"] = record.Address,
            ["inputs"] = Node(record.Inputs),
            ["replicas"] = replicas,
        };
        if (record.RolloutInputs is { } rolloutInputs)
        {
            root["rollout_inputs"] = Node(rolloutInputs);
        }

        lock (_lock)
        {
            Directory.CreateDirectory(directory);
            var path = PathOf(record.Id);
            var temp = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllText(temp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.Move(temp, path, overwrite: true);
        }
    }

    public void Remove(string id)
    {
        if (IsValidId(id))
        {
            File.Delete(PathOf(id));
        }
    }

    private string PathOf(string id) => Path.Combine(directory, id + ".json");

    private static JsonNode? Node(Value value) => JsonNode.Parse(ValueJson.ToUtf8(value, ValueJsonOptions.Plain));

    private static Value FromNode(JsonNode? node) => node is null ? Value.Null : ValueJson.Parse(node.ToJsonString(), ValueJsonOptions.Plain);
}
