using Baton.Access;

namespace Baton.State.Sqlite;

/// <summary>
/// API tokens and the audit log (schema version 3) and accepted webhook requests (version 4) in the SQLite state file;
/// each write is one transaction on the shared writer (<see cref="SqliteDatabase"/>).
/// </summary>
public sealed class SqliteAccessStore : IAccessStore
{
    private readonly SqliteDatabase _database;

    internal SqliteAccessStore(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public Task CreateTokenAsync(ApiTokenRecord token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _database.WriteAsync(
            transaction =>
            {
                using var command = SqliteDatabase.Command(
                    _database.Writer,
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
        return _database.WriteAsync(
            transaction =>
            {
                using var command = SqliteDatabase.Command(_database.Writer, transaction, "UPDATE api_tokens SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL", ("id", id), ("at", Codec.Time(at)));
                return command.ExecuteNonQuery() == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _database.WriteAsync(
            transaction =>
            {
                using var command = SqliteDatabase.Command(
                    _database.Writer,
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
        return _database.WriteAsync(
            transaction =>
            {
                using (var forget = SqliteDatabase.Command(_database.Writer, transaction, "DELETE FROM webhook_deliveries WHERE expires_at < $at", ("at", Codec.Time(delivery.ReceivedAt))))
                {
                    forget.ExecuteNonQuery();
                }

                using var command = SqliteDatabase.Command(
                    _database.Writer,
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
        return _database.ReadAsync<IReadOnlyList<AuditRecord>>(
            connection =>
            {
                using var command = SqliteDatabase.Command(
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

    private Task<IReadOnlyList<ApiTokenRecord>> ReadTokensAsync(string where, (string Name, object Value)? parameter, CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<ApiTokenRecord>>(
            connection =>
            {
                using var command = SqliteDatabase.Command(
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
