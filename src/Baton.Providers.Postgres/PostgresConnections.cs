using Npgsql;

namespace Baton.Providers.Postgres;

/// <summary>
/// Connections to the provider's server: its own database from a pool, any other database unpooled, because a
/// database dropped with FORCE leaves broken pooled connections behind and grants, extensions and queries on other
/// databases are rare.
/// </summary>
internal sealed class PostgresConnections(PostgresSettings settings) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _home = NpgsqlDataSource.Create(settings.ConnectionString());

    public PostgresSettings Settings => settings;

    /// <summary>The provider's own database.</summary>
    public NpgsqlDataSource Home => _home;

    /// <summary>Opens a connection to <paramref name="database"/>, or to the provider's database when it is null.</summary>
    public async Task<NpgsqlConnection> OpenAsync(string? database, CancellationToken cancellationToken)
    {
        if (database is null || string.Equals(database, settings.Database, StringComparison.Ordinal))
        {
            return await _home.OpenConnectionAsync(cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString(database: database)) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string statement, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(statement, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _home.DisposeAsync();
}
