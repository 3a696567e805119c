using Baton.Values;

namespace Baton.State.Sqlite;

/// <summary>
/// The event log in the SQLite state file: <c>events</c>, appended to by <see cref="SqliteStateStore.CommitAsync"/>
/// in the transaction of the change; ids are SQLite's autoincrement, so they increase in commit order and are never
/// reused.
/// </summary>
public sealed class SqliteEventLog : IEventLog
{
    private readonly SqliteDatabase _database;

    internal SqliteEventLog(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public async Task<IReadOnlyList<StateEvent>> ReadEventsAsync(string stack, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await _database.ReadAsync<IReadOnlyList<StateEvent>>(connection =>
        {
            using var command = SqliteDatabase.Command(
                connection,
                null,
                "SELECT id, kind, address, message, data, at FROM events WHERE stack = $stack AND id > $after ORDER BY id LIMIT $limit",
                ("stack", stack),
                ("after", afterId),
                ("limit", limit));
            using var row = command.ExecuteReader();
            var events = new List<StateEvent>();
            while (row.Read())
            {
                events.Add(new StateEvent
                {
                    Id = row.GetInt64(0),
                    Stack = stack,
                    Kind = row.GetString(1),
                    Address = row.IsDBNull(2) ? null : row.GetString(2),
                    Message = row.GetString(3),
                    Data = _database.ReadValue(row, 4, DataContext(stack)),
                    At = Codec.Time(row.GetInt64(5)),
                });
            }

            return events;
        }, cancellationToken);
    }

    /// <summary>Where the data of the stack's events is sealed: what <see cref="SqliteStateStore"/> writes them with.</summary>
    internal static string DataContext(string stack) => ValueJson.SecretContext(stack, "events", "data");
}
