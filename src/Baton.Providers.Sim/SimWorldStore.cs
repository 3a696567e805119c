using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Baton.Providers.Sim;

/// <summary>
/// The world file: what exists in the simulated cloud. One kept-open connection with prepared statements; each write
/// is one short <c>BEGIN IMMEDIATE</c> transaction that also appends to the operations log, so several processes
/// can share a world and a process killed after a call returns never loses what the call did.
/// </summary>
internal sealed class SimWorldStore : IDisposable
{
    private const string ObjectColumns = "id, type, address, idempotency_key, inputs, previous_inputs, created_at, updated_at, deleted, version";

    private const int MaxBatch = 256;

    private readonly Lock _lock = new();
    private readonly ConcurrentQueue<IPendingWrite> _pending = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _findById;
    private readonly SqliteCommand _findByKey;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _log;

    private SimWorldStore(SqliteConnection connection)
    {
        _connection = connection;
        _findById = Prepare($"SELECT {ObjectColumns} FROM objects WHERE id = $id", "$id");
        _findByKey = Prepare($"SELECT {ObjectColumns} FROM objects WHERE idempotency_key = $key", "$key");
        _insert = Prepare(
            "INSERT INTO objects (id, type, address, idempotency_key, inputs, previous_inputs, created_at, updated_at, deleted, version) VALUES ($id, $type, $address, $key, $inputs, NULL, $now, $now, 0, 1)",
            "$id", "$type", "$address", "$key", "$inputs", "$now");
        _update = Prepare(
            "UPDATE objects SET previous_inputs = inputs, inputs = $inputs, updated_at = $now, version = version + 1 WHERE id = $id AND deleted = 0",
            "$id", "$inputs", "$now");
        _delete = Prepare(
            "UPDATE objects SET previous_inputs = inputs, deleted = 1, updated_at = $now, version = version + 1 WHERE id = $id AND deleted = 0",
            "$id", "$now");
        _log = Prepare(
            "INSERT INTO operations (at, kind, object_id, address, idempotency_key) VALUES ($now, $kind, $id, $address, $key)",
            "$now", "$kind", "$id", "$address", "$key");
    }

    /// <summary>Opens (creating when needed) the world at <paramref name="path"/>.</summary>
    public static SimWorldStore Open(string path, bool fullDurability)
    {
        var connection = OpenConnection(path, fullDurability);
        try
        {
            return new SimWorldStore(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens a connection to the world, creating its tables when needed.</summary>
    public static SqliteConnection OpenConnection(string path, bool fullDurability)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 60,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 10000");
            Execute(connection, "PRAGMA journal_mode = WAL");
            Execute(connection, fullDurability ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            using var transaction = connection.BeginTransaction();
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS objects (
                    id TEXT NOT NULL PRIMARY KEY,
                    type TEXT NOT NULL,
                    address TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    inputs TEXT NOT NULL,
                    previous_inputs TEXT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    deleted INTEGER NOT NULL,
                    version INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS operations (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    object_id TEXT NOT NULL,
                    address TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL
                );
                """, transaction);
            transaction.Commit();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The id an object made by <paramref name="idempotencyKey"/> gets: stable, so two processes agree on it.</summary>
    public static string IdFor(string idempotencyKey) =>
        "sim-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)).AsSpan(0, 10));

    public SimRow? FindById(string id)
    {
        SimRow? row;
        lock (_lock)
        {
            _findById.Parameters[0].Value = id;
            row = ReadRow(_findById);
        }

        DrainPending();
        return row;
    }

    public SimRow? FindByKey(string key)
    {
        SimRow? row;
        lock (_lock)
        {
            _findByKey.Parameters[0].Value = key;
            row = ReadRow(_findByKey);
        }

        DrainPending();
        return row;
    }

    /// <summary>Makes the object of <paramref name="key"/>, or returns the one it already made (<c>Created</c> false).</summary>
    public Task<(SimRow Row, bool Created)> CreateAsync(string type, string address, string key, string inputs, long now) =>
        WriteAsync(transaction =>
        {
            _findByKey.Transaction = transaction;
            _findByKey.Parameters[0].Value = key;
            if (ReadRow(_findByKey) is { } existing)
            {
                Log(transaction, now, "create_repeated", existing.Id, address, key);
                return (existing, false);
            }

            var row = new SimRow(IdFor(key), type, address, key, inputs, null, now, now, false, 1);
            _insert.Transaction = transaction;
            _insert.Parameters[0].Value = row.Id;
            _insert.Parameters[1].Value = type;
            _insert.Parameters[2].Value = address;
            _insert.Parameters[3].Value = key;
            _insert.Parameters[4].Value = inputs;
            _insert.Parameters[5].Value = now;
            _insert.ExecuteNonQuery();
            Log(transaction, now, "create", row.Id, address, key);
            return (row, true);
        });

    /// <summary>Writes new inputs to a live object; null when it is gone.</summary>
    public Task<SimRow?> UpdateAsync(string id, string address, string key, string inputs, long now) =>
        WriteAsync(transaction =>
        {
            _update.Transaction = transaction;
            _update.Parameters[0].Value = id;
            _update.Parameters[1].Value = inputs;
            _update.Parameters[2].Value = now;
            if (_update.ExecuteNonQuery() == 0)
            {
                return null;
            }

            Log(transaction, now, "update", id, address, key);
            _findById.Transaction = transaction;
            _findById.Parameters[0].Value = id;
            return ReadRow(_findById);
        });

    /// <summary>Logs a signal (a notification's verb) to the object <paramref name="id"/> at <paramref name="address"/>.</summary>
    public Task<bool> SignalAsync(string id, string address, string key, long now) =>
        WriteAsync(transaction =>
        {
            Log(transaction, now, "signal", id, address, key);
            return true;
        });

    /// <summary>Deletes a live object; deleting one that is gone (or never was) is logged and succeeds.</summary>
    public Task<bool> DeleteAsync(string id, string address, string key, long now) =>
        WriteAsync(transaction =>
        {
            _delete.Transaction = transaction;
            _delete.Parameters[0].Value = id;
            _delete.Parameters[1].Value = now;
            var deleted = _delete.ExecuteNonQuery() > 0;
            Log(transaction, now, deleted ? "delete" : "delete_of_gone", id, address, key);
            return deleted;
        });

    /// <summary>
    /// Group commit: writes that arrive while another is committing wait in a queue, and whoever next holds the
    /// connection commits all of them in one transaction. Each write's task completes only after its commit.
    /// </summary>
    private Task<T> WriteAsync<T>(Func<SqliteTransaction, T> work)
    {
        var write = new PendingWrite<T>(work);
        _pending.Enqueue(write);
        DrainPending();
        return write.Task;
    }

    /// <summary>Commits queued writes unless another thread holds the connection (which then commits them when it lets go).</summary>
    private void DrainPending()
    {
        while (!_pending.IsEmpty && _lock.TryEnter())
        {
            try
            {
                CommitPending();
            }
            finally
            {
                _lock.Exit();
            }
        }
    }

    private void CommitPending()
    {
        var batch = new List<IPendingWrite>();
        while (batch.Count < MaxBatch && _pending.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var write in batch)
            {
                write.Run(transaction);
            }

            transaction.Commit();
        }
        catch (Exception exception)
        {
            foreach (var write in batch)
            {
                write.Fail(exception);
            }

            throw;
        }

        foreach (var write in batch)
        {
            write.Complete();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _findById.Dispose();
            _findByKey.Dispose();
            _insert.Dispose();
            _update.Dispose();
            _delete.Dispose();
            _log.Dispose();
            _connection.Dispose();
        }
    }

    internal static SimRow? ReadRow(SqliteCommand command)
    {
        try
        {
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            return new SimRow(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt64(6),
                reader.GetInt64(7),
                reader.GetInt64(8) != 0,
                reader.GetInt64(9));
        }
        finally
        {
            command.Transaction = null;
        }
    }

    private void Log(SqliteTransaction transaction, long now, string kind, string id, string address, string key)
    {
        _log.Transaction = transaction;
        _log.Parameters[0].Value = now;
        _log.Parameters[1].Value = kind;
        _log.Parameters[2].Value = id;
        _log.Parameters[3].Value = address;
        _log.Parameters[4].Value = key;
        _log.ExecuteNonQuery();
        _log.Transaction = null;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }
}
