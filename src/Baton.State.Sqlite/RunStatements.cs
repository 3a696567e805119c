using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>The writer connection's run store statements, prepared once and reused by every transaction.</summary>
internal sealed class RunStatements(SqliteConnection connection) : IDisposable
{
    public Statement InsertRun { get; } = new(
        connection,
        """
        INSERT INTO runs (id, stack, workflow, status, inputs, outputs, error, "trigger", parent_run_id, parent_step, definition,
            created_at, updated_at, finished_at, event_count, owner, lease_expires_at)
        VALUES ($id, $stack, $workflow, $status, $inputs, $outputs, $error, $trigger, $parent_run_id, $parent_step, $definition,
            $created_at, $updated_at, NULL, 0, $owner, $lease_expires_at)
        """,
        "id",
        "stack",
        "workflow",
        "status",
        "inputs",
        "outputs",
        "error",
        "trigger",
        "parent_run_id",
        "parent_step",
        "definition",
        "created_at",
        "updated_at",
        "owner",
        "lease_expires_at");

    public Statement SelectHeld { get; } = new(connection, "SELECT stack, status, event_count, owner, lease_expires_at FROM runs WHERE id = $id", "id");

    public Statement InsertEvent { get; } = new(
        connection,
        "INSERT INTO run_events (run_id, seq, kind, step, attempt, data, at) VALUES ($run_id, $seq, $kind, $step, $attempt, $data, $at)",
        "run_id",
        "seq",
        "kind",
        "step",
        "attempt",
        "data",
        "at");

    public Statement UpsertStep { get; } = new(
        connection,
        """
        INSERT INTO run_steps (run_id, key, status, attempt, outputs, error, started_at, finished_at, due_at, completed_order, first_seq)
        VALUES ($run_id, $key, $status, $attempt, $outputs, $error, $started_at, $finished_at, $due_at, $completed_order, $first_seq)
        ON CONFLICT (run_id, key) DO UPDATE SET status = excluded.status, attempt = excluded.attempt, outputs = excluded.outputs,
            error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at, due_at = excluded.due_at,
            completed_order = excluded.completed_order
        """,
        "run_id",
        "key",
        "status",
        "attempt",
        "outputs",
        "error",
        "started_at",
        "finished_at",
        "due_at",
        "completed_order",
        "first_seq");

    // A null outputs, error or finished_at leaves the column as it is; a final status clears the lease.
    public Statement UpdateRun { get; } = new(
        connection,
        """
        UPDATE runs SET status = $status, outputs = COALESCE($outputs, outputs), error = COALESCE($error, error),
            updated_at = $updated_at, finished_at = COALESCE($finished_at, finished_at), event_count = $event_count,
            owner = CASE WHEN $final = 1 THEN NULL ELSE owner END,
            lease_expires_at = CASE WHEN $final = 1 THEN NULL ELSE lease_expires_at END
        WHERE id = $id
        """,
        "id",
        "status",
        "outputs",
        "error",
        "updated_at",
        "finished_at",
        "event_count",
        "final");

    public Statement Claim { get; } = new(
        connection,
        """
        UPDATE runs SET owner = $owner, lease_expires_at = $lease_expires_at
        WHERE id = $id AND finished_at IS NULL AND (owner IS NULL OR owner = $owner OR lease_expires_at IS NULL OR lease_expires_at <= $now)
        """,
        "id",
        "owner",
        "lease_expires_at",
        "now");

    public Statement Renew { get; } = new(
        connection,
        "UPDATE runs SET lease_expires_at = $lease_expires_at WHERE id = $id AND owner = $owner AND lease_expires_at > $now",
        "id",
        "owner",
        "lease_expires_at",
        "now");

    public Statement Release { get; } = new(connection, "UPDATE runs SET owner = NULL, lease_expires_at = NULL WHERE id = $id AND owner = $owner", "id", "owner");

    public Statement InsertSignal { get; } = new(
        connection,
        """
        INSERT INTO run_signals (run_id, kind, step, "by", comment, at)
        SELECT $run_id, $kind, $step, $by, $comment, $at WHERE EXISTS (SELECT 1 FROM runs WHERE id = $run_id)
        RETURNING id
        """,
        "run_id",
        "kind",
        "step",
        "by",
        "comment",
        "at");

    public Statement RecordFire { get; } = new(
        connection,
        """
        INSERT INTO schedule_fires (stack, workflow, fire_time, run_id, recorded_at) VALUES ($stack, $workflow, $fire_time, $run_id, $recorded_at)
        ON CONFLICT (stack, workflow, fire_time) DO NOTHING
        """,
        "stack",
        "workflow",
        "fire_time",
        "run_id",
        "recorded_at");

    private IEnumerable<Statement> All => [InsertRun, SelectHeld, InsertEvent, UpsertStep, UpdateRun, Claim, Renew, Release, InsertSignal, RecordFire];

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
