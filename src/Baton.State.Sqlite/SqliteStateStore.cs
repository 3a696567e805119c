using System.Collections.Immutable;
using Baton.Values;
using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// The state and journal in the SQLite state file. Every write is one <c>BEGIN IMMEDIATE</c> transaction on the shared
/// writer (<see cref="SqliteDatabase"/>) that first checks the fencing token against the lock row
/// (<see cref="SqliteLockStore"/>), then writes the journal, the resources, the outputs and the events
/// (<see cref="SqliteEventLog"/>) of the change together. Reads run on a reader connection in one deferred transaction.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    private readonly SqliteDatabase _database;

    internal SqliteStateStore(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public async Task<StackState> LoadAsync(string stack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return await _database.ReadAsync(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            long serial;
            Value outputs;
            using (var command = SqliteDatabase.Command(connection, transaction, "SELECT serial, outputs FROM stacks WHERE name = $stack", ("stack", stack)))
            using (var row = command.ExecuteReader())
            {
                if (!row.Read())
                {
                    return StackState.Empty(stack);
                }

                serial = row.GetInt64(0);
                outputs = _database.ReadValue(row, 1, ValueJson.SecretContext(stack, string.Empty, "outputs"));
            }

            var resources = ImmutableSortedDictionary.CreateBuilder<string, ResourceState>(StringComparer.Ordinal);
            using (var command = SqliteDatabase.Command(
                connection,
                transaction,
                "SELECT key, address, type, provider, id, inputs, attributes, dependencies, status, deposed_key FROM resources WHERE stack = $stack",
                ("stack", stack)))
            using (var row = command.ExecuteReader())
            {
                while (row.Read())
                {
                    var key = row.GetString(0);
                    var resource = new ResourceState
                    {
                        Address = row.GetString(1),
                        Type = row.GetString(2),
                        Provider = row.GetString(3),
                        Id = row.GetString(4),
                        Inputs = _database.ReadValue(row, 5, ValueJson.SecretContext(stack, key, "inputs")),
                        Attributes = _database.ReadValue(row, 6, ValueJson.SecretContext(stack, key, "attributes")),
                        Dependencies = _database.ReadAddresses(row, 7, $"resource \"{key}\""),
                        Status = Codec.Parse<ResourceStatus>(row.GetString(8)),
                        DeposedKey = row.IsDBNull(9) ? null : row.GetString(9),
                    };
                    resources[key] = resource;
                }
            }

            var notifications = ImmutableArray.CreateBuilder<PendingNotification>();
            using (var command = SqliteDatabase.Command(
                connection,
                transaction,
                "SELECT target, verb, source, timing, queued_at FROM notifications WHERE stack = $stack ORDER BY queued_at, target, verb",
                ("stack", stack)))
            using (var row = command.ExecuteReader())
            {
                while (row.Read())
                {
                    notifications.Add(new PendingNotification
                    {
                        Target = row.GetString(0),
                        Verb = row.GetString(1),
                        Source = row.GetString(2),
                        Timing = row.GetString(3),
                        QueuedAt = Codec.Time(row.GetInt64(4)),
                    });
                }
            }

            var facts = ImmutableSortedDictionary.CreateBuilder<string, HostFactsRecord>(StringComparer.Ordinal);
            using (var command = SqliteDatabase.Command(connection, transaction, "SELECT host, facts, gathered_at FROM host_facts WHERE stack = $stack", ("stack", stack)))
            using (var row = command.ExecuteReader())
            {
                while (row.Read())
                {
                    var host = row.GetString(0);
                    facts[host] = new HostFactsRecord { Host = host, Facts = _database.ReadValue(row, 1, FactsContext(stack, host)), GatheredAt = Codec.Time(row.GetInt64(2)) };
                }
            }

            return new StackState
            {
                Stack = stack,
                Serial = serial,
                Resources = resources.ToImmutable(),
                Outputs = outputs,
                Notifications = notifications.ToImmutable(),
                Facts = facts.ToImmutable(),
            };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> CommitAsync(StateChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _database.WriteAsync(transaction => Commit(transaction, change), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalIntent>> PendingIntentsAsync(string stack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return await _database.ReadAsync<IReadOnlyList<JournalIntent>>(connection =>
        {
            using var command = SqliteDatabase.Command(
                connection,
                null,
                """
                SELECT operation_id, address, type, provider, action, inputs, resource_id, deposed_key, dependencies, apply_id, at
                FROM journal WHERE stack = $stack AND outcome IS NULL ORDER BY at, operation_id
                """,
                ("stack", stack));
            using var row = command.ExecuteReader();
            var intents = new List<JournalIntent>();
            while (row.Read())
            {
                var operationId = row.GetString(0);
                intents.Add(new JournalIntent
                {
                    OperationId = operationId,
                    Stack = stack,
                    Address = row.GetString(1),
                    Type = row.GetString(2),
                    Provider = row.GetString(3),
                    Action = Codec.Parse<JournalAction>(row.GetString(4)),
                    Inputs = _database.ReadValue(row, 5, JournalContext(stack, operationId)),
                    ResourceId = row.IsDBNull(6) ? null : row.GetString(6),
                    DeposedKey = row.IsDBNull(7) ? null : row.GetString(7),
                    Dependencies = _database.ReadAddresses(row, 8, $"journal entry {operationId}"),
                    ApplyId = row.IsDBNull(9) ? null : row.GetString(9),
                    At = Codec.Time(row.GetInt64(10)),
                });
            }

            return intents;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>With backups, the replacement is followed by a backup.</remarks>
    public async Task<long> ReplaceAsync(StackState state, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var replaced = await _database.WriteAsync(
            transaction =>
            {
                _database.CheckFence(transaction, state.Stack, fencingToken, _database.Time.GetUtcNow());
                _database.EnsureStack(transaction, state.Stack);
                var serial = BumpSerial(transaction, state.Stack);
                var clear = _database.Statements.ClearResources.On(transaction);
                clear[0] = state.Stack;
                clear.Execute();
                foreach (var (key, resource) in state.Resources)
                {
                    if (!string.Equals(key, resource.Key, StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"Resource '{resource.Key}' is filed under the key '{key}'.", nameof(state));
                    }

                    Upsert(transaction, state.Stack, resource, serial);
                }

                SetOutputs(transaction, state.Stack, state.Outputs);
                var forget = _database.Statements.ClearNotifications.On(transaction);
                forget[0] = state.Stack;
                forget.Execute();
                QueueNotifications(transaction, state.Stack, state.Notifications);
                var clearFacts = _database.Statements.ClearFacts.On(transaction);
                clearFacts[0] = state.Stack;
                clearFacts.Execute();
                SetFacts(transaction, state.Stack, state.Facts.Values);
                return serial;
            },
            cancellationToken);
        await _database.BackUpAsync(cancellationToken);
        return replaced;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListStacksAsync(CancellationToken cancellationToken) =>
        await _database.ReadAsync<IReadOnlyList<string>>(connection =>
        {
            using var command = SqliteDatabase.Command(connection, null, "SELECT name FROM stacks ORDER BY name");
            using var row = command.ExecuteReader();
            var names = new List<string>();
            while (row.Read())
            {
                names.Add(row.GetString(0));
            }

            return names;
        }, cancellationToken);

    private static string JournalContext(string stack, string operationId) => ValueJson.SecretContext(stack, "journal:" + operationId, "inputs");

    private long Commit(SqliteTransaction transaction, StateChange change)
    {
        var stack = change.Stack;
        var now = _database.Time.GetUtcNow();
        _database.CheckFence(transaction, stack, change.FencingToken, now);
        _database.EnsureStack(transaction, stack);
        foreach (var intent in change.Intents)
        {
            if (!string.Equals(intent.Stack, stack, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Intent '{intent.OperationId}' is for stack '{intent.Stack}', not '{stack}'.", nameof(change));
            }

            var insert = _database.Statements.InsertIntent.On(transaction);
            insert[0] = intent.OperationId;
            insert[1] = stack;
            insert[2] = intent.Address;
            insert[3] = intent.Type;
            insert[4] = intent.Provider;
            insert[5] = Codec.Name(intent.Action);
            insert[6] = _database.Codec.Json(intent.Inputs, JournalContext(stack, intent.OperationId));
            insert[7] = intent.ResourceId;
            insert[8] = intent.DeposedKey;
            insert[9] = _database.Codec.Json(intent.Dependencies);
            insert[10] = intent.ApplyId;
            insert[11] = Codec.Time(intent.At);
            insert.Execute();
        }

        foreach (var result in change.Results)
        {
            var update = _database.Statements.SetResult.On(transaction);
            update[0] = result.OperationId;
            update[1] = stack;
            update[2] = Codec.Name(result.Outcome);
            update[3] = result.Error;
            update[4] = Codec.Time(now);
            if (update.Execute() == 0)
            {
                throw new InvalidOperationException($"No journal intent '{result.OperationId}' on stack '{stack}' to record a result for.");
            }
        }

        long serial;
        if (change.ChangesState)
        {
            serial = BumpSerial(transaction, stack);

            // Removals first, so a key both removed and written in one change ends up written.
            foreach (var key in change.Removals)
            {
                var delete = _database.Statements.DeleteResource.On(transaction);
                delete[0] = stack;
                delete[1] = key;
                delete.Execute();
            }

            foreach (var resource in change.Upserts)
            {
                Upsert(transaction, stack, resource, serial);
            }

            if (change.Outputs is not null)
            {
                SetOutputs(transaction, stack, change.Outputs);
            }
        }
        else
        {
            var select = _database.Statements.SelectSerial.On(transaction);
            select[0] = stack;
            serial = (long)select.Scalar()!;
        }

        QueueNotifications(transaction, stack, change.Notify);

        foreach (var notification in change.Notified)
        {
            var delete = _database.Statements.DeleteNotification.On(transaction);
            delete[0] = stack;
            delete[1] = notification.Target;
            delete[2] = notification.Verb;
            delete.Execute();
        }

        SetFacts(transaction, stack, change.Facts);
        foreach (var stateEvent in change.Events)
        {
            SqliteEventLog.Insert(_database, transaction, stateEvent with { Stack = stack });
        }

        return serial;
    }

    private static string FactsContext(string stack, string host) => ValueJson.SecretContext(stack, host, "facts");

    private void SetFacts(SqliteTransaction transaction, string stack, IEnumerable<HostFactsRecord> facts)
    {
        foreach (var record in facts)
        {
            var upsert = _database.Statements.UpsertFacts.On(transaction);
            upsert[0] = stack;
            upsert[1] = record.Host;
            upsert[2] = _database.Codec.Json(record.Facts, FactsContext(stack, record.Host));
            upsert[3] = Codec.Time(record.GatheredAt);
            upsert.Execute();
        }
    }

    private void QueueNotifications(SqliteTransaction transaction, string stack, IEnumerable<PendingNotification> notifications)
    {
        foreach (var notification in notifications)
        {
            var queue = _database.Statements.QueueNotification.On(transaction);
            queue[0] = stack;
            queue[1] = notification.Target;
            queue[2] = notification.Verb;
            queue[3] = notification.Source;
            queue[4] = notification.Timing;
            queue[5] = Codec.Time(notification.QueuedAt);
            queue.Execute();
        }
    }

    private void Upsert(SqliteTransaction transaction, string stack, ResourceState resource, long serial)
    {
        var key = resource.Key;
        var upsert = _database.Statements.UpsertResource.On(transaction);
        upsert[0] = stack;
        upsert[1] = key;
        upsert[2] = resource.Address;
        upsert[3] = resource.Type;
        upsert[4] = resource.Provider;
        upsert[5] = resource.Id;
        upsert[6] = _database.Codec.Json(resource.Inputs, ValueJson.SecretContext(stack, key, "inputs"));
        upsert[7] = _database.Codec.Json(resource.Attributes, ValueJson.SecretContext(stack, key, "attributes"));
        upsert[8] = _database.Codec.Json(resource.Dependencies);
        upsert[9] = Codec.Name(resource.Status);
        upsert[10] = resource.DeposedKey;
        upsert[11] = serial;
        upsert.Execute();
    }

    private void SetOutputs(SqliteTransaction transaction, string stack, Value outputs)
    {
        var update = _database.Statements.SetOutputs.On(transaction);
        update[0] = stack;
        update[1] = _database.Codec.Json(outputs, ValueJson.SecretContext(stack, string.Empty, "outputs"));
        update.Execute();
    }

    private long BumpSerial(SqliteTransaction transaction, string stack)
    {
        var bump = _database.Statements.BumpSerial.On(transaction);
        bump[0] = stack;
        return (long)bump.Scalar()!;
    }
}
