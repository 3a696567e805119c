using Microsoft.Data.Sqlite;

namespace Baton.State.Tests.Sqlite;

/// <summary>
/// Reads or writes a SQLite file directly, past the store, to see or damage what it holds. Connections are not pooled,
/// so nothing keeps the file open once a call returns. Also compiled into the CLI tests.
/// </summary>
internal static class SqliteFile
{
    /// <summary>What <paramref name="sql"/> returns first (first row, first column), the file opened read-only.</summary>
    public static object? Scalar(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Runs <paramref name="sql"/> on the file, which is created when there is none.</summary>
    public static void Execute(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
