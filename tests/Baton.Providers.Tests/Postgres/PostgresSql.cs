using Baton.Values;
using Npgsql;

namespace Baton.Providers.Tests.Postgres;

/// <summary>Statements the postgres tests run on the test server directly, behind the provider's back.</summary>
internal static class PostgresSql
{
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static Value List(params string[] items) => Value.List(items.Select(Value.String));

    public static async Task ExecuteAsync(PostgresServer server, string sql, string? database = null)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString(database: database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
