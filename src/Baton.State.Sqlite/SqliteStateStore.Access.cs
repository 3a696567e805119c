using Baton.Access;
using Baton.Runs;

namespace Baton.State.Sqlite;

/// <summary>
/// API tokens and the audit log (schema version 3), accepted webhook requests (version 4), and the feed of all run events of a stack. The feed's position is
/// the SQLite rowid of <c>run_events</c>: rows are only ever appended (never deleted), so rowids increase in insertion
/// order.
/// </summary>
public sealed partial class SqliteStateStore : IAccessStore
{
    /// <inheritdoc />
    public Task CreateTokenAsync(ApiTokenRecord token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return WriteAsync(
            transaction =>
            {
                using var command = Command(
                    _writer,
                    transaction,
                    "INSERT INTO api_tokens (id, role, secret_hash, description, created_by, created_at) VALUES ($id, $role, $hash, $description, $by, $at)",
                    ("id", token.Id),
                    ("role", Codec.Name(token.Role)),
                    ("hash", token.SecretHash),
                    ("description", (object?)token.Description ?? DBNull.Value),
                    ("by", token.CreatedBy),
                    ("at", Codec.Time(token.CreatedAt)));
                return command.ExecuteNonQuery();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ApiTokenRecord?> GetTokenAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var found = await ReadTokensAsync("WHERE id = $id", ("id", id), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(CancellationToken cancellationToken) =>
        ReadTokensAsync(string.Empty, null, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return WriteAsync(
            transaction =>
            {
                using var command = Command(_writer, transaction, "UPDATE api_tokens SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL", ("id", id), ("at", Codec.Time(at)));
                return command.ExecuteNonQuery() == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return WriteAsync(
            transaction =>
            {
                using var command = Command(
                    _writer,
                    transaction,
                    "INSERT INTO audit (at, actor, action, status, outcome, remote) VALUES ($at, $actor, $action, $status, $outcome, $remote) RETURNING id",
                    ("at", Codec.Time(record.At)),
                    ("actor", record.Actor),
                    ("action", record.Action),
                    ("status", record.Status),
                    ("outcome", record.Outcome),
                    ("remote", (object?)record.Remote ?? DBNull.Value));
                return (long)command.ExecuteScalar()!;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RecordWebhookDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return WriteAsync(
            transaction =>
            {
                using (var forget = Command(_writer, transaction, "DELETE FROM webhook_deliveries WHERE expires_at < $at", ("at", Codec.Time(delivery.ReceivedAt))))
                {
                    forget.ExecuteNonQuery();
                }

                using var command = Command(
                    _writer,
                    transaction,
                    "INSERT INTO webhook_deliveries (signature, stack, workflow, received_at, expires_at) VALUES ($signature, $stack, $workflow, $at, $expires) ON CONFLICT (signature) DO NOTHING",
                    ("signature", delivery.Signature),
                    ("stack", delivery.Stack),
                    ("workflow", delivery.Workflow),
                    ("at", Codec.Time(delivery.ReceivedAt)),
                    ("expires", Codec.Time(delivery.ExpiresAt)));
                return command.ExecuteNonQuery() == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ReadAsync<IReadOnlyList<AuditRecord>>(
            connection =>
            {
                using var command = Command(
                    connection,
                    null,
                    "SELECT id, at, actor, action, status, outcome, remote FROM audit WHERE id > $after ORDER BY id LIMIT $limit",
                    ("after", afterId),
                    ("limit", limit));
                using var row = command.ExecuteReader();
                var records = new List<AuditRecord>();
                while (row.Read())
                {
                    records.Add(new AuditRecord
                    {
                        Id = row.GetInt64(0),
                        At = Codec.Time(row.GetInt64(1)),
                        Actor = row.GetString(2),
                        Action = row.GetString(3),
                        Status = row.GetInt32(4),
                        Outcome = row.GetString(5),
                        Remote = row.IsDBNull(6) ? null : row.GetString(6),
                    });
                }

                return records;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunFeedEntry>> ReadRunFeedAsync(string stack, long afterPosition, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ReadAsync<IReadOnlyList<RunFeedEntry>>(
            connection =>
            {
                using var command = Command(
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
                            Data = ReadValue(row, 7, RunContext(stack, runId, EventDataField(seq))),
                            At = Codec.Time(row.GetInt64(8)),
                        },
                    });
                }

                return entries;
            },
            cancellationToken);
    }

    private Task<IReadOnlyList<ApiTokenRecord>> ReadTokensAsync(string where, (string Name, object Value)? parameter, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<ApiTokenRecord>>(
            connection =>
            {
                using var command = Command(
                    connection,
                    null,
                    $"SELECT id, role, secret_hash, description, created_by, created_at, revoked_at FROM api_tokens {where} ORDER BY created_at, id",
                    parameter is { } p ? [p] : []);
                using var row = command.ExecuteReader();
                var tokens = new List<ApiTokenRecord>();
                while (row.Read())
                {
                    tokens.Add(new ApiTokenRecord
                    {
                        Id = row.GetString(0),
                        Role = Codec.Parse<ApiRole>(row.GetString(1)),
                        SecretHash = row.GetString(2),
                        Description = row.IsDBNull(3) ? null : row.GetString(3),
                        CreatedBy = row.GetString(4),
                        CreatedAt = Codec.Time(row.GetInt64(5)),
                        RevokedAt = row.IsDBNull(6) ? null : Codec.Time(row.GetInt64(6)),
                    });
                }

                return tokens;
            },
            cancellationToken);
}
