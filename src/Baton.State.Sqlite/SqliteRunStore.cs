using System.Collections.Concurrent;
using System.Text;
using Baton.Runs;
using Baton.Values;
using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// The workflow runs in the SQLite state file, behind the same single writer as every other concern
/// (<see cref="SqliteDatabase"/>): every write below is one <c>BEGIN IMMEDIATE</c> transaction on the writer
/// connection, fsync'd before its task completes, so run writes and state writes never fight over SQLite's write lock
/// inside one process (other processes wait on <c>busy_timeout</c>). Concurrent <see cref="AppendAsync"/> calls are group-committed: one transaction for
/// all the calls queued while the writer was busy, each call in its own savepoint.
/// <list type="bullet">
/// <item><see cref="CreateRunAsync"/> appends no event: a new run's history is empty (event count 0), so the
/// runtime's first event (<c>run.started</c>) is sequence number 1.</item>
/// <item>Lease expiry is compared with the store's <see cref="TimeProvider"/>; a lease ending exactly now has
/// expired. An expired lease is no longer held: <see cref="AppendAsync"/> refuses it and
/// <see cref="RenewLeasesAsync"/> reports it, even before another worker claims the run.</item>
/// <item>A run's update time is the time of the last event appended to it, and its finish time the time of the event
/// whose transition gave it a final status, so the record agrees with its history.</item>
/// <item>Sensitive parts of inputs, outputs, step outputs and event data are AES-GCM envelopes bound to the stack, the
/// run and the place: <c>inputs</c>, <c>outputs</c>, <c>step-outputs:KEY</c> or <c>event-data:SEQ</c>.</item>
/// <item>The position in a stack's run feed (<see cref="ReadRunFeedAsync"/>) is the SQLite rowid of <c>run_events</c>:
/// rows are only ever appended (never deleted), so rowids increase in insertion order.</item>
/// </list>
/// </summary>
public sealed class SqliteRunStore : IRunStore
{
    private const string AppendSavepoint = "append";

    private const string RunColumns =
        """
        id, stack, workflow, status, inputs, outputs, error, "trigger", parent_run_id, parent_step, definition,
        created_at, updated_at, finished_at, event_count, owner, lease_expires_at
        """;

    private readonly SqliteDatabase _database;
    private readonly ConcurrentQueue<QueuedAppend> _appends = new();
    private readonly ConcurrentQueue<QueuedClaim> _claims = new();

    internal SqliteRunStore(SqliteDatabase database) => _database = database;

    /// <summary>How many transactions <see cref="AppendAsync"/> calls were committed in (fewer than the calls when grouped).</summary>
    internal long AppendTransactions { get; private set; }

    /// <inheritdoc />
    public Task CreateRunAsync(RunRecord run, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (run.Status != RunStatus.Pending)
        {
            throw new ArgumentException($"Run '{run.Id}' must be created pending, not {run.Status}.", nameof(run));
        }

        return _database.WriteAsync(
            transaction =>
            {
                var insert = _database.RunStatements.InsertRun.On(transaction);
                insert[0] = run.Id;
                insert[1] = run.Stack;
                insert[2] = run.Workflow;
                insert[3] = Codec.Name(run.Status);
                insert[4] = _database.Codec.Json(run.Inputs, RunContext(run.Stack, run.Id, "inputs"));
                insert[5] = run.Outputs is { } outputs ? _database.Codec.Json(outputs, RunContext(run.Stack, run.Id, "outputs")) : null;
                insert[6] = run.Error;
                insert[7] = run.Trigger;
                insert[8] = run.ParentRunId;
                insert[9] = run.ParentStep;
                insert[10] = run.Definition;
                insert[11] = Codec.Time(run.CreatedAt);
                insert[12] = Codec.Time(run.UpdatedAt > run.CreatedAt ? run.UpdatedAt : run.CreatedAt);
                insert[13] = owner;
                insert[14] = Codec.Time(_database.Time.GetUtcNow() + lease);
                return insert.Execute();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Concurrent calls are group-committed: the caller that gets the writer takes every append queued by then and
    /// writes them in one transaction (one fsync), each inside its own savepoint, so a call whose lease was lost (or
    /// whose values cannot be stored) fails alone and writes nothing while the others commit. A call cancelled before
    /// another caller took it writes nothing and throws; once taken, its outcome stands.
    /// </remarks>
    public async Task AppendAsync(IReadOnlyList<RunTransition> transitions, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(owner);
        foreach (var transition in transitions)
        {
            ArgumentNullException.ThrowIfNull(transition, nameof(transitions));
            if (transition.Step is { } step && !string.Equals(step.RunId, transition.Event.RunId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Step '{step.Key}' of run '{step.RunId}' is in a transition of run '{transition.Event.RunId}'.", nameof(transitions));
            }
        }

        if (transitions.Count == 0)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(_database.IsDisposed, this);
        var append = new QueuedAppend(transitions, owner);
        _appends.Enqueue(append);
        try
        {
            await _database.EnterWriterAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (append.TryAbandon())
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // Another caller took this append before the cancel: its outcome stands.
            await append.Done.Task;
            return;
        }

        try
        {
            if (_database.IsDisposed)
            {
                // Disposed while waiting: the append is abandoned unless a caller before the dispose took it.
                ObjectDisposedException.ThrowIf(append.TryAbandon(), this);
            }
            else if (!append.Done.Task.IsCompleted)
            {
                // Not yet written by a caller before: write it and whatever else is queued. A caller whose append was
                // written passes the writer on at once, so its wait never includes a later group's fsync.
                CommitQueuedAppends();
            }
        }
        finally
        {
            _database.ExitWriter();
        }

        await append.Done.Task;
    }

    /// <inheritdoc />
    public async Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return await _database.ReadAsync(
            connection =>
            {
                using var command = SqliteDatabase.Command(connection, null, $"SELECT {RunColumns} FROM runs WHERE id = $id", ("id", runId));
                using var row = command.ExecuteReader();
                return row.Read() ? RunFrom(row) : null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return await _database.ReadAsync<IReadOnlyList<StepRecord>>(
            connection =>
            {
                using var transaction = connection.BeginTransaction(deferred: true);
                if (StackOf(connection, transaction, runId) is not { } stack)
                {
                    return [];
                }

                using var command = SqliteDatabase.Command(
                    connection,
                    transaction,
                    """
                    SELECT key, status, attempt, outputs, error, started_at, finished_at, due_at, completed_order
                    FROM run_steps WHERE run_id = $run_id ORDER BY first_seq
                    """,
                    ("run_id", runId));
                using var row = command.ExecuteReader();
                var steps = new List<StepRecord>();
                while (row.Read())
                {
                    var key = row.GetString(0);
                    steps.Add(new StepRecord
                    {
                        RunId = runId,
                        Key = key,
                        Status = Codec.Parse<StepStatus>(row.GetString(1)),
                        Attempt = row.GetInt32(2),
                        Outputs = row.IsDBNull(3) ? null : _database.ReadValue(row, 3, RunContext(stack, runId, StepOutputsField(key))),
                        Error = row.IsDBNull(4) ? null : row.GetString(4),
                        StartedAt = OptionalTime(row, 5),
                        FinishedAt = OptionalTime(row, 6),
                        DueAt = OptionalTime(row, 7),
                        CompletedOrder = row.GetInt64(8),
                    });
                }

                return steps;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunEvent>> ReadRunEventsAsync(string runId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await _database.ReadAsync<IReadOnlyList<RunEvent>>(
            connection =>
            {
                using var transaction = connection.BeginTransaction(deferred: true);
                if (StackOf(connection, transaction, runId) is not { } stack)
                {
                    return [];
                }

                using var command = SqliteDatabase.Command(
                    connection,
                    transaction,
                    "SELECT seq, kind, step, attempt, data, at FROM run_events WHERE run_id = $run_id AND seq > $after ORDER BY seq LIMIT $limit",
                    ("run_id", runId),
                    ("after", afterSeq),
                    ("limit", limit));
                using var row = command.ExecuteReader();
                var events = new List<RunEvent>();
                while (row.Read())
                {
                    var seq = row.GetInt64(0);
                    events.Add(new RunEvent
                    {
                        Seq = seq,
                        RunId = runId,
                        Kind = row.GetString(1),
                        Step = row.IsDBNull(2) ? null : row.GetString(2),
                        Attempt = row.GetInt32(3),
                        Data = _database.ReadValue(row, 4, RunContext(stack, runId, EventDataField(seq))),
                        At = Codec.Time(row.GetInt64(5)),
                    });
                }

                return events;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunFeedEntry>> ReadRunFeedAsync(string stack, long afterPosition, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return _database.ReadAsync<IReadOnlyList<RunFeedEntry>>(
            connection =>
            {
                using var command = SqliteDatabase.Command(
                    connection,
                    null,
                    """
                    SELECT e.rowid, e.run_id, r.workflow, e.seq, e.kind, e.step, e.attempt, e.data, e.at
                    FROM run_events e JOIN runs r ON r.id = e.run_id
                    WHERE e.rowid > $after AND r.stack = $stack
                    ORDER BY e.rowid LIMIT $limit
                    """,
                    ("after", afterPosition),
                    ("stack", stack),
                    ("limit", limit));
                using var row = command.ExecuteReader();
                var entries = new List<RunFeedEntry>();
                while (row.Read())
                {
                    var runId = row.GetString(1);
                    var seq = row.GetInt64(3);
                    entries.Add(new RunFeedEntry
                    {
                        Position = row.GetInt64(0),
                        Workflow = row.GetString(2),
                        Event = new RunEvent
                        {
                            Seq = seq,
                            RunId = runId,
                            Kind = row.GetString(4),
                            Step = row.IsDBNull(5) ? null : row.GetString(5),
                            Attempt = row.GetInt32(6),
                            Data = _database.ReadValue(row, 7, RunContext(stack, runId, EventDataField(seq))),
                            At = Codec.Time(row.GetInt64(8)),
                        },
                    });
                }

                return entries;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        var sql = new StringBuilder($"SELECT {RunColumns} FROM runs WHERE 1 = 1");
        var parameters = new List<(string Name, object Value)> { ("limit", query.Limit) };
        if (query.Stack is { } stack)
        {
            sql.Append(" AND stack = $stack");
            parameters.Add(("stack", stack));
        }

        if (query.Workflow is { } workflow)
        {
            sql.Append(" AND workflow = $workflow");
            parameters.Add(("workflow", workflow));
        }

        if (query.Status is { } status)
        {
            sql.Append(" AND status = $status");
            parameters.Add(("status", Codec.Name(status)));
        }

        if (query.UnfinishedOnly)
        {
            sql.Append(" AND finished_at IS NULL");
        }

        sql.Append(" ORDER BY created_at DESC, id DESC LIMIT $limit");
        return await _database.ReadAsync<IReadOnlyList<RunRecord>>(
            connection =>
            {
                using var command = SqliteDatabase.Command(connection, null, sql.ToString(), [.. parameters]);
                using var row = command.ExecuteReader();
                var runs = new List<RunRecord>();
                while (row.Read())
                {
                    runs.Add(RunFrom(row));
                }

                return runs;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Claims group-commit: a claim queues, and whichever caller gets the writer first claims every run queued so far
    /// in its one transaction, so a worker starting many runs at once pays one fsync for all of them, not one each.
    /// Each claim is still its own conditional update, and no caller sees its result before the transaction that
    /// made it is committed.
    /// </remarks>
    public async Task<bool> TryClaimRunAsync(string runId, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var claim = new QueuedClaim(runId, owner, lease);
        _claims.Enqueue(claim);
        var batch = new List<QueuedClaim>();
        try
        {
            await _database.WriteAsync(transaction => ClaimQueued(transaction, batch), cancellationToken);
        }
        catch (Exception ex)
        {
            foreach (var taken in batch)
            {
                taken.Result.TrySetException(ex);
            }

            if (claim.TryAbandon())
            {
                // Not taken by any transaction: it never ran, and now never will.
                throw;
            }
        }

        foreach (var taken in batch)
        {
            taken.Result.TrySetResult(taken.Claimed);
        }

        return await claim.Result.Task;
    }

    /// <summary>Runs every queued claim not abandoned by its caller; results are handed out after the commit.</summary>
    private int ClaimQueued(SqliteTransaction transaction, List<QueuedClaim> batch)
    {
        var now = _database.Time.GetUtcNow();
        var statement = _database.RunStatements.Claim.On(transaction);
        while (_claims.TryDequeue(out var queued))
        {
            if (!queued.TryTake())
            {
                continue;
            }

            batch.Add(queued);
            statement[0] = queued.RunId;
            statement[1] = queued.Owner;
            statement[2] = Codec.Time(now + queued.Lease);
            statement[3] = Codec.Time(now);
            queued.Claimed = statement.Execute() > 0;
        }

        return batch.Count;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> RenewLeasesAsync(string owner, IReadOnlyList<string> runIds, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(runIds);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (runIds.Count == 0)
        {
            return [];
        }

        return await _database.WriteAsync<IReadOnlyList<string>>(
            transaction =>
            {
                var now = _database.Time.GetUtcNow();
                var lost = new List<string>();
                var renew = _database.RunStatements.Renew.On(transaction);
                renew[1] = owner;
                renew[2] = Codec.Time(now + lease);
                renew[3] = Codec.Time(now);
                foreach (var runId in runIds)
                {
                    renew[0] = runId;
                    if (renew.Execute() == 0)
                    {
                        lost.Add(runId);
                    }
                }

                return lost;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseRunAsync(string runId, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(owner);
        return _database.WriteAsync(
            transaction =>
            {
                var release = _database.RunStatements.Release.On(transaction);
                release[0] = runId;
                release[1] = owner;
                return release.Execute();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Throws <see cref="InvalidOperationException"/> for a run the store does not hold.</remarks>
    public Task<long> AddSignalAsync(RunSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return _database.WriteAsync(
            transaction =>
            {
                var insert = _database.RunStatements.InsertSignal.On(transaction);
                insert[0] = signal.RunId;
                insert[1] = Codec.Name(signal.Kind);
                insert[2] = signal.Step;
                insert[3] = signal.By;
                insert[4] = signal.Comment;
                insert[5] = Codec.Time(signal.At);
                return insert.Scalar() is long id ? id : throw new InvalidOperationException($"No run '{signal.RunId}' to signal.");
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunSignal>> ReadSignalsAsync(string runId, long afterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return await _database.ReadAsync<IReadOnlyList<RunSignal>>(
            connection =>
            {
                using var command = SqliteDatabase.Command(
                    connection,
                    null,
                    """SELECT id, kind, step, "by", comment, at FROM run_signals WHERE run_id = $run_id AND id > $after ORDER BY id""",
                    ("run_id", runId),
                    ("after", afterId));
                using var row = command.ExecuteReader();
                var signals = new List<RunSignal>();
                while (row.Read())
                {
                    signals.Add(new RunSignal
                    {
                        Id = row.GetInt64(0),
                        RunId = runId,
                        Kind = Codec.Parse<RunSignalKind>(row.GetString(1)),
                        Step = row.IsDBNull(2) ? null : row.GetString(2),
                        By = row.GetString(3),
                        Comment = row.IsDBNull(4) ? null : row.GetString(4),
                        At = Codec.Time(row.GetInt64(5)),
                    });
                }

                return signals;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryRecordScheduleFireAsync(string stack, string workflow, DateTimeOffset fireTime, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(runId);
        return _database.WriteAsync(
            transaction =>
            {
                var insert = _database.RunStatements.RecordFire.On(transaction);
                insert[0] = stack;
                insert[1] = workflow;
                insert[2] = Codec.Time(fireTime);
                insert[3] = runId;
                insert[4] = Codec.Time(_database.Time.GetUtcNow());
                return insert.Execute() > 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> LastScheduleFireAsync(string stack, string workflow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(workflow);
        return await _database.ReadAsync(
            connection =>
            {
                using var command = SqliteDatabase.Command(
                    connection,
                    null,
                    "SELECT MAX(fire_time) FROM schedule_fires WHERE stack = $stack AND workflow = $workflow",
                    ("stack", stack),
                    ("workflow", workflow));
                return command.ExecuteScalar() is long ticks ? Codec.Time(ticks) : (DateTimeOffset?)null;
            },
            cancellationToken);
    }

    private static string RunContext(string stack, string runId, string field) => ValueJson.SecretContext(stack, "run:" + runId, field);

    private static string StepOutputsField(string key) => "step-outputs:" + key;

    private static string EventDataField(long seq) => "event-data:" + seq.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsFinal(RunStatus status) => status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled;

    private int Append(SqliteTransaction transaction, IReadOnlyList<RunTransition> transitions, string owner)
    {
        // Every lease is checked before anything is written; a lost one throws and the transaction rolls back.
        var now = Codec.Time(_database.Time.GetUtcNow());
        var runs = new Dictionary<string, AppendCursor>(StringComparer.Ordinal);
        var select = _database.RunStatements.SelectHeld.On(transaction);
        foreach (var transition in transitions)
        {
            var runId = transition.Event.RunId;
            if (runs.ContainsKey(runId))
            {
                continue;
            }

            select[0] = runId;
            using var row = select.Query();
            if (!row.Read())
            {
                throw new RunLeaseLostException($"No run '{runId}'; nothing was written.");
            }

            var holder = row.IsDBNull(3) ? null : row.GetString(3);
            var expires = row.IsDBNull(4) ? (long?)null : row.GetInt64(4);
            if (!string.Equals(holder, owner, StringComparison.Ordinal) || expires is not { } until || until <= now)
            {
                var held = holder is null ? "nobody holds it" : $"{holder} holds it until {Codec.Time(expires ?? 0):O}";
                throw new RunLeaseLostException($"{owner} does not hold run '{runId}' ({held}); nothing was written.");
            }

            runs[runId] = new AppendCursor(row.GetString(0), Codec.Parse<RunStatus>(row.GetString(1)), row.GetInt64(2));
        }

        var insertEvent = _database.RunStatements.InsertEvent.On(transaction);
        var upsertStep = _database.RunStatements.UpsertStep.On(transaction);
        foreach (var transition in transitions)
        {
            var runEvent = transition.Event;
            var cursor = runs[runEvent.RunId];
            var seq = ++cursor.EventCount;
            insertEvent[0] = runEvent.RunId;
            insertEvent[1] = seq;
            insertEvent[2] = runEvent.Kind;
            insertEvent[3] = runEvent.Step;
            insertEvent[4] = runEvent.Attempt;
            insertEvent[5] = _database.Codec.Json(runEvent.Data, RunContext(cursor.Stack, runEvent.RunId, EventDataField(seq)));
            insertEvent[6] = Codec.Time(runEvent.At);
            insertEvent.Execute();
            cursor.UpdatedAt = runEvent.At;

            if (transition.Step is { } step)
            {
                upsertStep[0] = step.RunId;
                upsertStep[1] = step.Key;
                upsertStep[2] = Codec.Name(step.Status);
                upsertStep[3] = step.Attempt;
                upsertStep[4] = step.Outputs is { } stepOutputs ? _database.Codec.Json(stepOutputs, RunContext(cursor.Stack, step.RunId, StepOutputsField(step.Key))) : null;
                upsertStep[5] = step.Error;
                upsertStep[6] = step.StartedAt is { } started ? Codec.Time(started) : null;
                upsertStep[7] = step.FinishedAt is { } finished ? Codec.Time(finished) : null;
                upsertStep[8] = step.DueAt is { } due ? Codec.Time(due) : null;
                upsertStep[9] = step.CompletedOrder;
                upsertStep[10] = seq;
                upsertStep.Execute();
            }

            if (transition.RunStatus is { } status)
            {
                cursor.Status = status;
                cursor.FinishedAt = IsFinal(status) ? runEvent.At : null;
            }

            if (transition.RunOutputs is { } outputs)
            {
                cursor.Outputs = _database.Codec.Json(outputs, RunContext(cursor.Stack, runEvent.RunId, "outputs"));
            }

            if (transition.RunError is { } error)
            {
                cursor.Error = error;
            }
        }

        var update = _database.RunStatements.UpdateRun.On(transaction);
        foreach (var (runId, cursor) in runs)
        {
            update[0] = runId;
            update[1] = Codec.Name(cursor.Status);
            update[2] = cursor.Outputs;
            update[3] = cursor.Error;
            update[4] = Codec.Time(cursor.UpdatedAt);
            update[5] = cursor.FinishedAt is { } finished ? Codec.Time(finished) : null;
            update[6] = cursor.EventCount;
            update[7] = IsFinal(cursor.Status) ? 1 : 0;
            update.Execute();
        }

        return transitions.Count;
    }

    /// <summary>Whether an append's failure is its own (its lease, its values, a constraint), not the transaction's.</summary>
    private static bool IsOwnFailure(Exception failure) =>
        failure is RunLeaseLostException or ArgumentException or InvalidOperationException or System.Text.Json.JsonException
            or SqliteException { SqliteErrorCode: 19 };

    /// <summary>Writes every queued append in one transaction, each in a savepoint; runs under the write gate.</summary>
    private void CommitQueuedAppends()
    {
        var group = new List<QueuedAppend>();
        while (_appends.TryDequeue(out var queued))
        {
            if (queued.TryTake())
            {
                group.Add(queued);
            }
        }

        if (group.Count == 0)
        {
            return;
        }

        var failures = new Exception?[group.Count];
        try
        {
            using var transaction = _database.Writer.BeginTransaction(deferred: false);
            for (var i = 0; i < group.Count; i++)
            {
                transaction.Save(AppendSavepoint);
                try
                {
                    Append(transaction, group[i].Transitions, group[i].Owner);
                }
                catch (Exception failure) when (IsOwnFailure(failure))
                {
                    transaction.Rollback(AppendSavepoint);
                    failures[i] = failure;
                }

                transaction.Release(AppendSavepoint);
            }

            transaction.Commit();
            AppendTransactions++;
        }
        catch (SqliteException failure) when (StateFile.IsDamage(failure))
        {
            var damaged = StateFile.Damaged(_database.Path, failure);
            foreach (var append in group)
            {
                append.Done.TrySetException(damaged);
            }

            throw damaged;
        }
        catch (Exception failure)
        {
            foreach (var append in group)
            {
                append.Done.TrySetException(failure);
            }

            throw;
        }

        for (var i = 0; i < group.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                group[i].Done.TrySetException(failure);
            }
            else
            {
                group[i].Done.TrySetResult();
            }
        }
    }

    private RunRecord RunFrom(SqliteDataReader row)
    {
        var id = row.GetString(0);
        var stack = row.GetString(1);
        return new RunRecord
        {
            Id = id,
            Stack = stack,
            Workflow = row.GetString(2),
            Status = Codec.Parse<RunStatus>(row.GetString(3)),
            Inputs = _database.ReadValue(row, 4, RunContext(stack, id, "inputs")),
            Outputs = row.IsDBNull(5) ? null : _database.ReadValue(row, 5, RunContext(stack, id, "outputs")),
            Error = row.IsDBNull(6) ? null : row.GetString(6),
            Trigger = row.GetString(7),
            ParentRunId = row.IsDBNull(8) ? null : row.GetString(8),
            ParentStep = row.IsDBNull(9) ? null : row.GetString(9),
            Definition = row.GetString(10),
            CreatedAt = Codec.Time(row.GetInt64(11)),
            UpdatedAt = Codec.Time(row.GetInt64(12)),
            FinishedAt = OptionalTime(row, 13),
            EventCount = row.GetInt64(14),
            Owner = row.IsDBNull(15) ? null : row.GetString(15),
            LeaseExpiresAt = OptionalTime(row, 16),
        };
    }

    private static DateTimeOffset? OptionalTime(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : Codec.Time(row.GetInt64(ordinal));

    private static string? StackOf(SqliteConnection connection, SqliteTransaction transaction, string runId)
    {
        using var command = SqliteDatabase.Command(connection, transaction, "SELECT stack FROM runs WHERE id = $id", ("id", runId));
        return command.ExecuteScalar() as string;
    }

    /// <summary>A call of <see cref="AppendAsync"/> waiting for a group commit: waiting, then taken or abandoned.</summary>
    private sealed class QueuedAppend(IReadOnlyList<RunTransition> transitions, string owner)
    {
        private const int Waiting = 0;
        private const int Taken = 1;
        private const int Abandoned = 2;
        private int _state;

        public IReadOnlyList<RunTransition> Transitions { get; } = transitions;

        public string Owner { get; } = owner;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting;
    }

    /// <summary>What one <see cref="AppendAsync"/> changes on one run, applied with a single update at the end.</summary>
    private sealed class AppendCursor(string stack, RunStatus status, long eventCount)
    {
        public string Stack { get; } = stack;

        public RunStatus Status { get; set; } = status;

        public long EventCount { get; set; } = eventCount;

        public DateTimeOffset UpdatedAt { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }

        public string? Outputs { get; set; }

        public string? Error { get; set; }
    }

    /// <summary>A claim waiting for a writer transaction; taken by one, or abandoned by its caller, never both.</summary>
    private sealed class QueuedClaim(string runId, string owner, TimeSpan lease)
    {
        private int _state;

        public string RunId { get; } = runId;

        public string Owner { get; } = owner;

        public TimeSpan Lease { get; } = lease;

        public bool Claimed { get; set; }

        public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;
    }
}
