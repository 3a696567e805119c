using System.Collections.Immutable;
using Baton.Values;
using Microsoft.Data.Sqlite;

namespace Baton.Providers.Sim;

/// <summary>
/// The ground truth of a sim world, for tests and benchmarks: what exists, and every call that changed it.
/// Opens its own connection to the world file, so it sees what any process wrote and committed.
/// </summary>
public sealed class SimWorld : IDisposable
{
    private readonly SqliteConnection _connection;

    private SimWorld(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    /// <summary>The world file.</summary>
    public string Path { get; }

    /// <summary>Opens the world at <paramref name="path"/> (creating an empty one when there is none).</summary>
    public static SimWorld Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        return new SimWorld(full, SimWorldStore.OpenConnection(full, fullDurability: false));
    }

    /// <summary>
    /// The world a provider configuration uses: its <c>world</c> setting, or the default in the state directory. A
    /// configuration the provider would refuse throws <see cref="ArgumentException"/>.
    /// </summary>
    public static SimWorld Open(ProviderConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<ProviderSettingProblem>();
        var settings = SimSettings.From(configuration, problems);
        return problems.Count == 0
            ? Open(settings.WorldPath)
            : throw new ArgumentException(string.Join("; ", problems.Select(p => $"setting \"{p.Setting}\": {p.Message}")), nameof(configuration));
    }

    /// <summary>The objects that exist, ordered by id.</summary>
    public ImmutableArray<SimObject> LiveObjects() => Objects("WHERE deleted = 0");

    /// <summary>Every object ever made, deleted ones included, ordered by id.</summary>
    public ImmutableArray<SimObject> AllObjects() => Objects(string.Empty);

    /// <summary>How many objects exist.</summary>
    public long CountLive() => Scalar("SELECT count(*) FROM objects WHERE deleted = 0");

    /// <summary>The object with id <paramref name="id"/> (live or deleted), or null.</summary>
    public SimObject? Find(string id) => Objects("WHERE id = $p", id).FirstOrDefault();

    /// <summary>The object that the create with <paramref name="idempotencyKey"/> made (live or deleted), or null.</summary>
    public SimObject? FindByIdempotencyKey(string idempotencyKey) => Objects("WHERE idempotency_key = $p", idempotencyKey).FirstOrDefault();

    /// <summary>The live objects made for <paramref name="address"/>; more than one means a duplicate.</summary>
    public ImmutableArray<SimObject> LiveObjectsAt(string address) => Objects("WHERE deleted = 0 AND address = $p", address);

    /// <summary>How many creates with <paramref name="idempotencyKey"/> made a new object (0 or 1 unless the world is broken).</summary>
    public long CountCreates(string idempotencyKey) =>
        Scalar("SELECT count(*) FROM operations WHERE kind = 'create' AND idempotency_key = $p", idempotencyKey);

    /// <summary>How many objects were ever made per address (a re-created resource counts each time).</summary>
    public ImmutableDictionary<string, long> CreatesByAddress() =>
        Counts("SELECT address, count(*) FROM operations WHERE kind = 'create' GROUP BY address");

    /// <summary>The number of live objects per address.</summary>
    public ImmutableDictionary<string, long> LiveCountsByAddress() =>
        Counts("SELECT address, count(*) FROM objects WHERE deleted = 0 GROUP BY address");

    /// <summary>The addresses with more than one live object: duplicates a lost idempotency key would make.</summary>
    public ImmutableArray<string> DuplicateAddresses() =>
        [.. Counts("SELECT address, count(*) FROM objects WHERE deleted = 0 GROUP BY address HAVING count(*) > 1").Keys.Order(StringComparer.Ordinal)];

    /// <summary>How many logged calls of <paramref name="kind"/> there were.</summary>
    public long CountOperations(SimOperationKind kind) =>
        Scalar("SELECT count(*) FROM operations WHERE kind = $p", KindName(kind));

    /// <summary>The operations log, oldest first.</summary>
    public ImmutableArray<SimOperation> Operations()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT seq, kind, object_id, address, idempotency_key, at FROM operations ORDER BY seq";
        using var reader = command.ExecuteReader();
        var operations = ImmutableArray.CreateBuilder<SimOperation>();
        while (reader.Read())
        {
            operations.Add(new SimOperation
            {
                Sequence = reader.GetInt64(0),
                Kind = ParseKind(reader.GetString(1)),
                ObjectId = reader.GetString(2),
                Address = reader.GetString(3),
                IdempotencyKey = reader.GetString(4),
                At = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
            });
        }

        return operations.ToImmutable();
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    internal static string KindName(SimOperationKind kind) => kind switch
    {
        SimOperationKind.Create => "create",
        SimOperationKind.CreateRepeated => "create_repeated",
        SimOperationKind.Update => "update",
        SimOperationKind.Delete => "delete",
        SimOperationKind.DeleteOfGone => "delete_of_gone",
        SimOperationKind.Signal => "signal",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static SimOperationKind ParseKind(string name) => name switch
    {
        "create" => SimOperationKind.Create,
        "create_repeated" => SimOperationKind.CreateRepeated,
        "update" => SimOperationKind.Update,
        "delete" => SimOperationKind.Delete,
        "delete_of_gone" => SimOperationKind.DeleteOfGone,
        "signal" => SimOperationKind.Signal,
        _ => throw new InvalidDataException($"The world's operations log holds an unknown kind \"{name}\"."),
    };

    private ImmutableArray<SimObject> Objects(string where, string? parameter = null)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT id, type, address, idempotency_key, inputs, previous_inputs, created_at, updated_at, deleted, version FROM objects {where} ORDER BY id";
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("$p", parameter);
        }

        using var reader = command.ExecuteReader();
        var objects = ImmutableArray.CreateBuilder<SimObject>();
        while (reader.Read())
        {
            objects.Add(new SimObject
            {
                Id = reader.GetString(0),
                Type = reader.GetString(1),
                Address = reader.GetString(2),
                IdempotencyKey = reader.GetString(3),
                Inputs = ValueJson.Parse(reader.GetString(4), ValueJsonOptions.Inline),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                Deleted = reader.GetInt64(8) != 0,
                Version = reader.GetInt64(9),
            });
        }

        return objects.ToImmutable();
    }

    private long Scalar(string sql, string? parameter = null)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("$p", parameter);
        }

        return (long)command.ExecuteScalar()!;
    }

    private ImmutableDictionary<string, long> Counts(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var counts = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts.ToImmutable();
    }
}
