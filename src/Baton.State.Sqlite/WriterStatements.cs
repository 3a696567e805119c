using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>The writer connection's statements, prepared once and reused by every transaction.</summary>
internal sealed class WriterStatements(SqliteConnection connection) : IDisposable
{
    /// <summary>The lock of stack <c>$stack</c>: the columns <see cref="SqliteDatabase.LockFrom"/> reads.</summary>
    public const string SelectLockSql = "SELECT lock_id, owner, operation, fencing_token, acquired_at, expires_at FROM locks WHERE stack = $stack";

    public Statement SelectLock { get; } = new(connection, SelectLockSql, "stack");

    public Statement NextToken { get; } = new(
        connection,
        """
        INSERT INTO fencing_counters (stack, last_token) VALUES ($stack, 1)
        ON CONFLICT (stack) DO UPDATE SET last_token = fencing_counters.last_token + 1
        RETURNING last_token
        """,
        "stack");

    public Statement UpsertLock { get; } = new(
        connection,
        """
        INSERT INTO locks (stack, lock_id, owner, operation, fencing_token, acquired_at, expires_at)
        VALUES ($stack, $lock_id, $owner, $operation, $token, $acquired_at, $expires_at)
        ON CONFLICT (stack) DO UPDATE SET lock_id = excluded.lock_id, owner = excluded.owner, operation = excluded.operation,
            fencing_token = excluded.fencing_token, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
        """,
        "stack",
        "lock_id",
        "owner",
        "operation",
        "token",
        "acquired_at",
        "expires_at");

    public Statement RenewLock { get; } = new(connection, "UPDATE locks SET expires_at = $expires_at WHERE stack = $stack AND fencing_token = $token", "stack", "token", "expires_at");

    public Statement ReleaseLock { get; } = new(connection, "DELETE FROM locks WHERE stack = $stack AND lock_id = $lock_id AND fencing_token = $token", "stack", "lock_id", "token");

    public Statement ForceUnlock { get; } = new(connection, "DELETE FROM locks WHERE stack = $stack AND lock_id = $lock_id", "stack", "lock_id");

    public Statement EnsureStack { get; } = new(connection, "INSERT INTO stacks (name, serial, outputs) VALUES ($stack, 0, '{}') ON CONFLICT (name) DO NOTHING", "stack");

    public Statement SelectSerial { get; } = new(connection, "SELECT serial FROM stacks WHERE name = $stack", "stack");

    public Statement BumpSerial { get; } = new(connection, "UPDATE stacks SET serial = serial + 1 WHERE name = $stack RETURNING serial", "stack");

    public Statement QueueNotification { get; } = new(
        connection,
        """
        INSERT INTO notifications (stack, target, verb, source, timing, queued_at) VALUES ($stack, $target, $verb, $source, $timing, $queued_at)
        ON CONFLICT (stack, target, verb) DO NOTHING
        """,
        "stack",
        "target",
        "verb",
        "source",
        "timing",
        "queued_at");

    public Statement ClearNotifications { get; } = new(connection, "DELETE FROM notifications WHERE stack = $stack", "stack");

    public Statement DeleteNotification { get; } = new(connection, "DELETE FROM notifications WHERE stack = $stack AND target = $target AND verb = $verb", "stack", "target", "verb");

    public Statement UpsertFacts { get; } = new(
        connection,
        """
        INSERT INTO host_facts (stack, host, facts, gathered_at) VALUES ($stack, $host, $facts, $gathered_at)
        ON CONFLICT (stack, host) DO UPDATE SET facts = excluded.facts, gathered_at = excluded.gathered_at
        """,
        "stack",
        "host",
        "facts",
        "gathered_at");

    public Statement ClearFacts { get; } = new(connection, "DELETE FROM host_facts WHERE stack = $stack", "stack");

    public Statement SetOutputs { get; } = new(connection, "UPDATE stacks SET outputs = $outputs WHERE name = $stack", "stack", "outputs");

    public Statement InsertIntent { get; } = new(
        connection,
        """
        INSERT INTO journal (operation_id, stack, address, type, provider, action, inputs, resource_id, deposed_key, dependencies, apply_id, at)
        VALUES ($operation_id, $stack, $address, $type, $provider, $action, $inputs, $resource_id, $deposed_key, $dependencies, $apply_id, $at)
        """,
        "operation_id",
        "stack",
        "address",
        "type",
        "provider",
        "action",
        "inputs",
        "resource_id",
        "deposed_key",
        "dependencies",
        "apply_id",
        "at");

    public Statement SetResult { get; } = new(
        connection,
        "UPDATE journal SET outcome = $outcome, error = $error, finished_at = $finished_at WHERE operation_id = $operation_id AND stack = $stack",
        "operation_id",
        "stack",
        "outcome",
        "error",
        "finished_at");

    public Statement UpsertResource { get; } = new(
        connection,
        """
        INSERT INTO resources (stack, key, address, type, provider, id, inputs, attributes, dependencies, status, deposed_key, updated_serial)
        VALUES ($stack, $key, $address, $type, $provider, $id, $inputs, $attributes, $dependencies, $status, $deposed_key, $serial)
        ON CONFLICT (stack, key) DO UPDATE SET address = excluded.address, type = excluded.type, provider = excluded.provider,
            id = excluded.id, inputs = excluded.inputs, attributes = excluded.attributes, dependencies = excluded.dependencies,
            status = excluded.status, deposed_key = excluded.deposed_key, updated_serial = excluded.updated_serial
        """,
        "stack",
        "key",
        "address",
        "type",
        "provider",
        "id",
        "inputs",
        "attributes",
        "dependencies",
        "status",
        "deposed_key",
        "serial");

    public Statement DeleteResource { get; } = new(connection, "DELETE FROM resources WHERE stack = $stack AND key = $key", "stack", "key");

    public Statement ClearResources { get; } = new(connection, "DELETE FROM resources WHERE stack = $stack", "stack");

    public Statement InsertEvent { get; } = new(
        connection,
        "INSERT INTO events (stack, source, kind, address, message, data, at) VALUES ($stack, $source, $kind, $address, $message, $data, $at) RETURNING id",
        "stack",
        "source",
        "kind",
        "address",
        "message",
        "data",
        "at");

    public Statement InsertApply { get; } = new(
        connection,
        """
        INSERT INTO applies (id, stack, kind, owner, started_at, finished_at, status, serial_before, serial_after, summary)
        VALUES ($id, $stack, $kind, $owner, $started_at, $finished_at, $status, $serial_before, $serial_after, $summary)
        """,
        ApplyParameters);

    public Statement FinishApply { get; } = new(
        connection,
        """
        UPDATE applies SET finished_at = $finished_at, status = $status, serial_after = $serial_after, summary = $summary
        WHERE id = $id AND stack = $stack
        """,
        ApplyParameters);

    private static string[] ApplyParameters => ["id", "stack", "kind", "owner", "started_at", "finished_at", "status", "serial_before", "serial_after", "summary"];

    private IEnumerable<Statement> All =>
    [
        SelectLock, NextToken, UpsertLock, RenewLock, ReleaseLock, ForceUnlock, EnsureStack, SelectSerial, BumpSerial, SetOutputs, QueueNotification, DeleteNotification, ClearNotifications, UpsertFacts, ClearFacts,
        InsertIntent, SetResult, UpsertResource, DeleteResource, ClearResources, InsertEvent, InsertApply, FinishApply,
    ];

    /// <summary>Unbinds every statement from the finished transaction.</summary>
    public void Detach()
    {
        foreach (var statement in All)
        {
            statement.On(null);
        }
    }

    public void Dispose()
    {
        foreach (var statement in All)
        {
            statement.Dispose();
        }
    }
}
