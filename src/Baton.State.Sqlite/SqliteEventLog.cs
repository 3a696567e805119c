using Baton.Values;
using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// The event log in the SQLite state file: <c>events</c>, appended to by <see cref="SqliteStateStore.CommitAsync"/>
/// in the transaction of the change, and by <see cref="AppendAsync"/> for the control plane's notices; ids are
/// SQLite's autoincrement, so they increase in commit order and are never reused.
/// </summary>
public sealed class SqliteEventLog : IEventLog
{
    private readonly SqliteDatabase _database;

    internal SqliteEventLog(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public async Task<IReadOnlyList<StackEvent>> ReadEventsAsync(string stack, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await _database.ReadAsync<IReadOnlyList<StackEvent>>(connection =>
        {
            using var command = SqliteDatabase.Command(
                connection,
                null,
                "SELECT id, source, kind, address, message, data, at FROM events WHERE stack = $stack AND id > $after ORDER BY id LIMIT $limit",
                ("stack", stack),
                ("after", afterId),
                ("limit", limit));
            using var row = command.ExecuteReader();
            var events = new List<StackEvent>();
            while (row.Read())
            {
                events.Add(new StackEvent
                {
                    Id = row.GetInt64(0),
                    Stack = stack,
                    Source = row.GetString(1),
                    Kind = row.GetString(2),
                    Address = row.IsDBNull(3) ? null : row.GetString(3),
                    Message = row.GetString(4),
                    Data = _database.ReadValue(row, 5, DataContext(stack)),
                    At = Codec.Time(row.GetInt64(6)),
                });
            }

            return events;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> AppendAsync(StackEvent notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (notice.Source != EventSources.Control)
        {
            throw new ArgumentException($"Only control events are appended on their own; a {notice.Source} event is stored with its change.", nameof(notice));
        }

        return _database.WriteAsync(
            transaction =>
            {
                _database.EnsureStack(transaction, notice.Stack);
                return Insert(_database, transaction, notice);
            },
            cancellationToken);
    }

    /// <summary>Appends <paramref name="stackEvent"/> in <paramref name="transaction"/>; its id.</summary>
    internal static long Insert(SqliteDatabase database, SqliteTransaction transaction, StackEvent stackEvent)
    {
        var insert = database.Statements.InsertEvent.On(transaction);
        insert[0] = stackEvent.Stack;
        insert[1] = stackEvent.Source;
        insert[2] = stackEvent.Kind;
        insert[3] = stackEvent.Address;
        insert[4] = stackEvent.Message;
        insert[5] = database.Codec.Json(stackEvent.Data, DataContext(stackEvent.Stack));
        insert[6] = Codec.Time(stackEvent.At);
        return (long)insert.Scalar()!;
    }

    /// <summary>Where the data of the stack's events is sealed: what <see cref="SqliteStateStore"/> writes them with.</summary>
    internal static string DataContext(string stack) => ValueJson.SecretContext(stack, "events", "data");
}
