namespace Baton.State.Sqlite;

/// <summary>
/// The apply history in the SQLite state file: <c>applies</c>, one row per apply, and the operations of each read from
/// the <c>journal</c>. Starting and finishing an apply check the fencing token in the same transaction as the write.
/// With backups, an apply that changed the state is followed by one.
/// </summary>
public sealed class SqliteApplyHistory : IApplyHistory
{
    private readonly SqliteDatabase _database;

    internal SqliteApplyHistory(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public Task StartApplyAsync(ApplyRecord apply, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        return _database.WriteAsync(
            transaction =>
            {
                _database.CheckFence(transaction, apply.Stack, fencingToken, _database.Time.GetUtcNow());
                _database.EnsureStack(transaction, apply.Stack);
                var insert = _database.Statements.InsertApply.On(transaction);
                BindApply(insert, apply);
                return insert.Execute();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>With backups, an apply that changed the state (its serial moved) is followed by a backup.</remarks>
    public async Task FinishApplyAsync(ApplyRecord apply, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        await _database.WriteAsync(
            transaction =>
            {
                _database.CheckFence(transaction, apply.Stack, fencingToken, _database.Time.GetUtcNow());
                var update = _database.Statements.FinishApply.On(transaction);
                BindApply(update, apply);
                if (update.Execute() == 0)
                {
                    throw new InvalidOperationException($"No apply '{apply.Id}' was started on stack '{apply.Stack}'.");
                }

                return 1;
            },
            cancellationToken);
        if (apply.SerialAfter is { } after && after != apply.SerialBefore)
        {
            await _database.BackUpAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OperationRecord>> ListOperationsAsync(string stack, string applyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(applyId);
        return _database.ReadAsync<IReadOnlyList<OperationRecord>>(connection =>
        {
            using var command = SqliteDatabase.Command(
                connection,
                null,
                """
                SELECT operation_id, address, type, action, dependencies, at, finished_at, outcome, error
                FROM journal WHERE stack = $stack AND apply_id = $apply ORDER BY at, operation_id
                """,
                ("stack", stack),
                ("apply", applyId));
            using var row = command.ExecuteReader();
            var operations = new List<OperationRecord>();
            while (row.Read())
            {
                operations.Add(new OperationRecord
                {
                    OperationId = row.GetString(0),
                    Address = row.GetString(1),
                    Type = row.GetString(2),
                    Action = Codec.Parse<JournalAction>(row.GetString(3)),
                    Dependencies = _database.ReadAddresses(row, 4, $"journal entry {row.GetString(0)}"),
                    StartedAt = Codec.Time(row.GetInt64(5)),
                    FinishedAt = row.IsDBNull(6) ? null : Codec.Time(row.GetInt64(6)),
                    Outcome = row.IsDBNull(7) ? null : Codec.Parse<JournalOutcome>(row.GetString(7)),
                    Error = row.IsDBNull(8) ? null : row.GetString(8),
                });
            }

            return operations;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApplyRecord>> ListAppliesAsync(string stack, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await _database.ReadAsync<IReadOnlyList<ApplyRecord>>(connection =>
        {
            using var command = SqliteDatabase.Command(
                connection,
                null,
                """
                SELECT id, kind, owner, started_at, finished_at, status, serial_before, serial_after, summary
                FROM applies WHERE stack = $stack ORDER BY started_at DESC, id DESC LIMIT $limit
                """,
                ("stack", stack),
                ("limit", limit));
            using var row = command.ExecuteReader();
            var applies = new List<ApplyRecord>();
            while (row.Read())
            {
                applies.Add(new ApplyRecord
                {
                    Id = row.GetString(0),
                    Stack = stack,
                    Kind = Codec.Parse<ApplyKind>(row.GetString(1)),
                    Owner = row.GetString(2),
                    StartedAt = Codec.Time(row.GetInt64(3)),
                    FinishedAt = row.IsDBNull(4) ? null : Codec.Time(row.GetInt64(4)),
                    Status = Codec.Parse<ApplyStatus>(row.GetString(5)),
                    SerialBefore = row.GetInt64(6),
                    SerialAfter = row.IsDBNull(7) ? null : row.GetInt64(7),
                    Summary = row.IsDBNull(8) ? null : row.GetString(8),
                });
            }

            return applies;
        }, cancellationToken);
    }

    private static void BindApply(Statement statement, ApplyRecord apply)
    {
        statement[0] = apply.Id;
        statement[1] = apply.Stack;
        statement[2] = Codec.Name(apply.Kind);
        statement[3] = apply.Owner;
        statement[4] = Codec.Time(apply.StartedAt);
        statement[5] = apply.FinishedAt is { } finished ? Codec.Time(finished) : null;
        statement[6] = Codec.Name(apply.Status);
        statement[7] = apply.SerialBefore;
        statement[8] = apply.SerialAfter;
        statement[9] = apply.Summary;
    }
}
