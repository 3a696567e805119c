using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// The store's tables, created or migrated on open. Statements outside this file stay portable SQL (the PostgreSQL
/// store runs the same ones); only the DDL names SQLite types.
/// </summary>
internal static class SqliteSchema
{
    public const int CurrentVersion = 7;

    // The tables and columns this version makes, read back from a database made in memory, to check a file against.
    private static readonly Lazy<IReadOnlyDictionary<string, HashSet<string>>> Expected = new(() =>
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Create(connection);
        return Tables(connection, null);
    });

    private const string Version1 = """
        CREATE TABLE stacks (
            name TEXT NOT NULL PRIMARY KEY,
            serial INTEGER NOT NULL,
            outputs TEXT NOT NULL
        );
        CREATE TABLE resources (
            stack TEXT NOT NULL REFERENCES stacks (name),
            key TEXT NOT NULL,
            address TEXT NOT NULL,
            type TEXT NOT NULL,
            provider TEXT NOT NULL,
            id TEXT NOT NULL,
            inputs TEXT NOT NULL,
            attributes TEXT NOT NULL,
            dependencies TEXT NOT NULL,
            status TEXT NOT NULL,
            deposed_key TEXT NULL,
            updated_serial INTEGER NOT NULL,
            PRIMARY KEY (stack, key)
        );
        CREATE TABLE journal (
            operation_id TEXT NOT NULL PRIMARY KEY,
            stack TEXT NOT NULL REFERENCES stacks (name),
            address TEXT NOT NULL,
            type TEXT NOT NULL,
            provider TEXT NOT NULL,
            action TEXT NOT NULL,
            inputs TEXT NOT NULL,
            resource_id TEXT NULL,
            deposed_key TEXT NULL,
            dependencies TEXT NOT NULL,
            apply_id TEXT NULL,
            at INTEGER NOT NULL,
            outcome TEXT NULL,
            error TEXT NULL,
            finished_at INTEGER NULL
        );
        CREATE INDEX journal_pending ON journal (stack, at) WHERE outcome IS NULL;
        CREATE TABLE applies (
            id TEXT NOT NULL PRIMARY KEY,
            stack TEXT NOT NULL REFERENCES stacks (name),
            kind TEXT NOT NULL,
            owner TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            finished_at INTEGER NULL,
            status TEXT NOT NULL,
            serial_before INTEGER NOT NULL,
            serial_after INTEGER NULL,
            summary TEXT NULL
        );
        CREATE INDEX applies_by_stack ON applies (stack, started_at);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            stack TEXT NOT NULL REFERENCES stacks (name),
            kind TEXT NOT NULL,
            address TEXT NULL,
            message TEXT NOT NULL,
            data TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE INDEX events_by_stack ON events (stack, id);
        CREATE TABLE locks (
            stack TEXT NOT NULL PRIMARY KEY,
            lock_id TEXT NOT NULL,
            owner TEXT NOT NULL,
            operation TEXT NOT NULL,
            fencing_token INTEGER NOT NULL,
            acquired_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE TABLE fencing_counters (
            stack TEXT NOT NULL PRIMARY KEY,
            last_token INTEGER NOT NULL
        );
        """;

    // Version 2: the run store. A step's first_seq is the sequence number of the event that first recorded it, so
    // ordering by it gives first-insertion order (portable, unlike rowid, which VACUUM may renumber).
    private const string Version2 = """
        CREATE TABLE runs (
            id TEXT NOT NULL PRIMARY KEY,
            stack TEXT NOT NULL,
            workflow TEXT NOT NULL,
            status TEXT NOT NULL,
            inputs TEXT NOT NULL,
            outputs TEXT NULL,
            error TEXT NULL,
            "trigger" TEXT NOT NULL,
            parent_run_id TEXT NULL,
            parent_step TEXT NULL,
            definition TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            finished_at INTEGER NULL,
            event_count INTEGER NOT NULL,
            owner TEXT NULL,
            lease_expires_at INTEGER NULL
        );
        CREATE INDEX runs_by_created ON runs (created_at DESC, id DESC);
        CREATE INDEX runs_by_stack ON runs (stack, workflow, created_at DESC, id DESC);
        CREATE INDEX runs_by_status ON runs (status, created_at DESC, id DESC);
        CREATE INDEX runs_unfinished ON runs (created_at DESC, id DESC) WHERE finished_at IS NULL;
        CREATE INDEX runs_by_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
        CREATE TABLE run_steps (
            run_id TEXT NOT NULL REFERENCES runs (id),
            key TEXT NOT NULL,
            status TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            outputs TEXT NULL,
            error TEXT NULL,
            started_at INTEGER NULL,
            finished_at INTEGER NULL,
            due_at INTEGER NULL,
            completed_order INTEGER NOT NULL,
            first_seq INTEGER NOT NULL,
            PRIMARY KEY (run_id, key)
        );
        CREATE TABLE run_events (
            run_id TEXT NOT NULL REFERENCES runs (id),
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            step TEXT NULL,
            attempt INTEGER NOT NULL,
            data TEXT NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        CREATE TABLE run_signals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL REFERENCES runs (id),
            kind TEXT NOT NULL,
            step TEXT NULL,
            "by" TEXT NOT NULL,
            comment TEXT NULL,
            at INTEGER NOT NULL
        );
        CREATE INDEX run_signals_by_run ON run_signals (run_id, id);
        CREATE TABLE schedule_fires (
            stack TEXT NOT NULL,
            workflow TEXT NOT NULL,
            fire_time INTEGER NOT NULL,
            run_id TEXT NOT NULL,
            recorded_at INTEGER NOT NULL,
            UNIQUE (stack, workflow, fire_time)
        );
        """;

    // Version 3: the control plane's API tokens (hashes only) and audit log.
    private const string Version3 = """
        CREATE TABLE api_tokens (
            id TEXT NOT NULL PRIMARY KEY,
            role TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            description TEXT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER NULL
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            status INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            remote TEXT NULL
        );
        """;

    // Version 4: accepted webhook requests by signature, each kept until its signature expires, to refuse replays.
    private const string Version4 = """
        CREATE TABLE webhook_deliveries (
            signature TEXT NOT NULL PRIMARY KEY,
            stack TEXT NOT NULL,
            workflow TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX webhook_deliveries_expiry ON webhook_deliveries (expires_at);
        """;

    // Version 5: the event log holds the control plane's notices beside the committed changes.
    private const string Version5 = """
        ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'state';
        """;

    // Version 6: notifications queued by changes and not yet carried out (a restart after a configuration changed).
    private const string Version6 = """
        CREATE TABLE notifications (
            stack TEXT NOT NULL REFERENCES stacks (name),
            target TEXT NOT NULL,
            verb TEXT NOT NULL,
            source TEXT NOT NULL,
            timing TEXT NOT NULL,
            queued_at INTEGER NOT NULL,
            PRIMARY KEY (stack, target, verb)
        );
        """;

    // Version 7: the facts last gathered from each host of a stack's inventory.
    private const string Version7 = """
        CREATE TABLE host_facts (
            stack TEXT NOT NULL REFERENCES stacks (name),
            host TEXT NOT NULL,
            facts TEXT NOT NULL,
            gathered_at INTEGER NOT NULL,
            PRIMARY KEY (stack, host)
        );
        """;

    /// <summary>Creates every table in a new, empty database.</summary>
    public static void Create(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, "CREATE TABLE schema_version (version INTEGER NOT NULL)");
        Upgrade(connection, transaction, 0);
        transaction.Commit();
    }

    /// <summary>
    /// Brings the state at <paramref name="path"/> up to <see cref="CurrentVersion"/>, then checks its tables. A database
    /// without Baton's version table, of a newer version, or missing a table or column is refused untouched.
    /// </summary>
    public static void Migrate(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        if (!Tables(connection, transaction).ContainsKey("schema_version"))
        {
            var tables = Tables(connection, transaction).Keys.Where(t => !t.StartsWith("sqlite_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            throw StateFile.NotAState(path, tables.Count == 0
                ? "it has no tables at all"
                : $"it has no schema_version table (its tables: {string.Join(", ", tables.Take(8))}{(tables.Count > 8 ? ", …" : string.Empty)})");
        }

        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT MAX(version) FROM schema_version";
        var found = query.ExecuteScalar();
        var version = found is long v ? (int)v : 0;
        if (version > CurrentVersion)
        {
            throw new StateFileException(
                path,
                $"the state file {path} has schema version {version}; this Baton understands up to {CurrentVersion}",
                "use a newer Baton: this one would not know what the newer tables mean");
        }

        if (version < 1)
        {
            throw StateFile.NotAState(path, "its schema_version table is empty");
        }

        Upgrade(connection, transaction, version);
        if (Check(connection, transaction) is { } problem)
        {
            throw StateFile.NotAState(path, problem);
        }

        transaction.Commit();
    }

    // The columns that hold values (JSON through ValueJson), whose sensitive parts are sealed with the secret key.
    private static readonly (string Table, string Column)[] ValueColumns =
    [
        ("stacks", "outputs"), ("resources", "inputs"), ("resources", "attributes"), ("journal", "inputs"), ("events", "data"),
        ("runs", "inputs"), ("runs", "outputs"), ("run_steps", "outputs"), ("run_events", "data"),
    ];

    /// <summary>
    /// The value columns of the Baton state at <paramref name="path"/> (those its version has): where sealed values
    /// can be. Throws <see cref="StateFileException"/> for a database that is not a Baton state.
    /// </summary>
    public static IReadOnlyList<(string Table, string Column)> SealedColumns(SqliteConnection connection, string path)
    {
        var tables = Tables(connection, null);
        if (!tables.ContainsKey("schema_version"))
        {
            throw StateFile.NotAState(path, "it has no schema_version table");
        }

        return [.. ValueColumns.Where(c => tables.TryGetValue(c.Table, out var columns) && columns.Contains(c.Column))];
    }

    /// <summary>
    /// Why the database is not a Baton state this version can open (no version table, a newer version, a table or
    /// column missing from a current one); null when it is one. An older version is fine: opening migrates it.
    /// </summary>
    public static string? Problem(SqliteConnection connection)
    {
        if (!Tables(connection, null).ContainsKey("schema_version"))
        {
            return "it has no schema_version table";
        }

        using var query = connection.CreateCommand();
        query.CommandText = "SELECT MAX(version) FROM schema_version";
        var version = query.ExecuteScalar() is long v ? (int)v : 0;
        return version < 1 ? "its schema_version table is empty"
            : version > CurrentVersion ? $"it has schema version {version}; this Baton understands up to {CurrentVersion}"
            : version == CurrentVersion ? Check(connection)
            : null;
    }

    /// <summary>What is missing from the database's tables compared with this version's schema; null when nothing is.</summary>
    public static string? Check(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        var actual = Tables(connection, transaction);
        foreach (var (table, columns) in Expected.Value)
        {
            if (!actual.TryGetValue(table, out var present))
            {
                return $"it has no {table} table";
            }

            if (columns.FirstOrDefault(c => !present.Contains(c)) is { } missing)
            {
                return $"its {table} table has no {missing} column";
            }
        }

        return null;
    }

    private static void Upgrade(SqliteConnection connection, SqliteTransaction transaction, int version)
    {
        if (version < 1)
        {
            Execute(connection, transaction, Version1);
            Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (1)");
        }

        if (version < 2)
        {
            Execute(connection, transaction, Version2);
            Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (2)");
        }

        if (version < 3)
        {
            Execute(connection, transaction, Version3);
            Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (3)");
        }

        if (version < 4)
        {
            Execute(connection, transaction, Version4);
            Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (4)");
        }

        if (version < 5)
        {
            Execute(connection, transaction, Version5);
            Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (5)");
        }

        if (version < 6)
        {
            Execute(connection, transaction, Version6);
            Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (6)");
        }

        if (version < 7)
        {
            Execute(connection, transaction, Version7);
            Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (7)");
        }
    }

    /// <summary>Every table and its column names.</summary>
    private static Dictionary<string, HashSet<string>> Tables(SqliteConnection connection, SqliteTransaction? transaction)
    {
        var tables = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT m.name, p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p WHERE m.type = 'table'";
        using var row = command.ExecuteReader();
        while (row.Read())
        {
            var table = row.GetString(0);
            if (!tables.TryGetValue(table, out var columns))
            {
                columns = new HashSet<string>(StringComparer.Ordinal);
                tables[table] = columns;
            }

            columns.Add(row.GetString(1));
        }

        return tables;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
