using Baton.Values;
using Microsoft.Data.Sqlite;

namespace Baton.State.Sqlite;

/// <summary>
/// Opens a SQLite state file as the stores of every concern (<see cref="StateStores"/>): one
/// <see cref="SqliteDatabase"/> shared by <see cref="SqliteStateStore"/>, <see cref="SqliteLockStore"/>,
/// <see cref="SqliteApplyHistory"/>, <see cref="SqliteEventLog"/>, <see cref="SqliteRunStore"/> and
/// <see cref="SqliteAccessStore"/>, closed when the bundle is disposed.
/// </summary>
public static class SqliteStores
{
    // How ValueJson writes a sealed value: {"$sensitive":"BASE64"}. A map key "$sensitive" in user data is written
    // "$$sensitive", and a quote inside a string is escaped, so only a sealed value contains this text.
    private const string SealedMarker = "\"" + ValueJson.SensitiveMarker + "\":\"";

    /// <summary>
    /// Opens the state at <paramref name="path"/> and brings its schema up to date. Only a missing file is a new state
    /// (made whole, then renamed into place); a file that is empty, damaged or not a Baton state is refused with
    /// <see cref="StateFileException"/>, untouched.
    /// </summary>
    public static Task<StateStores> OpenAsync(string path, ISecretProtector protector, TimeProvider time, CancellationToken cancellationToken) =>
        OpenAsync(path, protector, time, null, cancellationToken);

    /// <summary>
    /// Opens the state as <see cref="OpenAsync(string, ISecretProtector, TimeProvider, CancellationToken)"/> does, and
    /// when <paramref name="backups"/> is given, backs it up after every finished apply or destroy that changed it and
    /// after every replacement of a stack's state.
    /// </summary>
    public static async Task<StateStores> OpenAsync(string path, ISecretProtector protector, TimeProvider time, StateBackups? backups, CancellationToken cancellationToken)
    {
        var database = await SqliteDatabase.OpenAsync(path, protector, time, backups, cancellationToken);
        return new StateStores(
            new SqliteStateStore(database),
            new SqliteLockStore(database),
            new SqliteApplyHistory(database),
            new SqliteEventLog(database),
            new SqliteRunStore(database),
            new SqliteAccessStore(database),
            database);
    }

    /// <summary>
    /// Whether the state at <paramref name="path"/> holds any value sealed with a secret key (resource inputs and
    /// attributes, outputs, journal entries, events, runs): what must not be given a new key. False when there is no
    /// file; a file that cannot be a state is a <see cref="StateFileException"/>. Reads without changing anything.
    /// </summary>
    public static bool HoldsSealedValues(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!StateFile.Exists(fullPath))
        {
            return false;
        }

        try
        {
            using var connection = new SqliteConnection(StateFile.ConnectionString(fullPath, SqliteOpenMode.ReadWrite));
            connection.Open();
            SqliteDatabase.Configure(connection);
            var sealedColumns = SqliteSchema.SealedColumns(connection, fullPath);
            if (sealedColumns.Count == 0)
            {
                return false;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT " + string.Join(" OR ", sealedColumns.Select(c => $"EXISTS (SELECT 1 FROM {c.Table} WHERE instr({c.Column}, $marker) > 0)"));
            command.Parameters.AddWithValue("$marker", SealedMarker);
            return command.ExecuteScalar() is long found && found != 0;
        }
        catch (SqliteException ex) when (StateFile.IsDamage(ex))
        {
            throw StateFile.Damaged(fullPath, ex);
        }
    }
}
