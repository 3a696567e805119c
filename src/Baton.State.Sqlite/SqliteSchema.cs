using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// The store's tables, created or migrated on open. Statements outside this file stay portable SQL (the PostgreSQL
/// store runs the same ones); only the DDL names SQLite types.
/// </summary>
internal static class SqliteSchema
{
    public const int CurrentVersion = 3;

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

    public static void Migrate(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT MAX(version) FROM schema_version";
        var found = query.ExecuteScalar();
        var version = found is long v ? (int)v : 0;
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The state database has schema version {version}; this Baton understands up to {CurrentVersion}. Use a newer Baton.");
        }

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

        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
