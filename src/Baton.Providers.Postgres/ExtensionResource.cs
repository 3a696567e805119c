using Baton.Values;
using Npgsql;

namespace Baton.Providers.Postgres;

/// <summary>
/// <c>postgres.extension</c> on the server: CREATE EXTENSION IF NOT EXISTS, then the schema and version brought to
/// what the stack asks (ALTER EXTENSION … SET SCHEMA / UPDATE TO); a read reports pg_extension as it is.
/// </summary>
internal sealed class ExtensionResource(PostgresConnections connections)
{
    private const string UndefinedDatabase = "3D000";

    private const string Installed = """
        SELECT n.nspname, e.extversion FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1
        """;

    /// <summary>Installs the extension when missing and moves or updates it to the schema and version asked for.</summary>
    public async Task<ResourceResult> ApplyAsync(ExtensionSpec spec, CancellationToken cancellationToken)
    {
        await using (var connection = await connections.OpenAsync(spec.Database, cancellationToken))
        {
            var name = SqlText.Identifier(spec.Name);
            if (await InstalledAsync(connection, spec.Name, cancellationToken) is not { } current)
            {
                var statement = $"CREATE EXTENSION IF NOT EXISTS {name}"
                    + (spec.Schema is null ? string.Empty : " SCHEMA " + SqlText.Identifier(spec.Schema))
                    + (spec.Version is null ? string.Empty : " VERSION " + SqlText.Literal(spec.Version));
                await PostgresConnections.ExecuteAsync(connection, statement, cancellationToken);
            }
            else
            {
                if (spec.Schema is not null && !string.Equals(current.Schema, spec.Schema, StringComparison.Ordinal))
                {
                    await PostgresConnections.ExecuteAsync(connection, $"ALTER EXTENSION {name} SET SCHEMA {SqlText.Identifier(spec.Schema)}", cancellationToken);
                }

                if (spec.Version is not null && !string.Equals(current.Version, spec.Version, StringComparison.Ordinal))
                {
                    await PostgresConnections.ExecuteAsync(connection, $"ALTER EXTENSION {name} UPDATE TO {SqlText.Literal(spec.Version)}", cancellationToken);
                }
            }
        }

        return await ReadAsync(spec, cancellationToken) is { } attributes
            ? ResourceResult.Success(spec.Id, attributes)
            : ResourceResult.Failure(ProviderError.Transient($"the extension {spec.Id} vanished right after it was created"));
    }

    /// <summary>The extension's attributes, or null when it (or its database) is gone.</summary>
    public async Task<Value?> ReadAsync(ExtensionSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(spec.Database, cancellationToken);
            if (await InstalledAsync(connection, spec.Name, cancellationToken) is not { } current)
            {
                return null;
            }

            return Value.Map(
            [
                new("id", Value.String(spec.Id)),
                new("name", Value.String(spec.Name)),
                new("database", Value.String(spec.Database)),
                new("schema", Value.String(current.Schema)),
                new("version", Value.String(current.Version)),
            ]);
        }
        catch (PostgresException exception) when (exception.SqlState == UndefinedDatabase)
        {
            return null;
        }
    }

    /// <summary>Drops the extension (without CASCADE: objects that use it keep it, with the server's error); gone is dropped.</summary>
    public async Task DropAsync(ExtensionSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(spec.Database, cancellationToken);
            await PostgresConnections.ExecuteAsync(connection, $"DROP EXTENSION IF EXISTS {SqlText.Identifier(spec.Name)}", cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == UndefinedDatabase)
        {
            // The database went and took the extension with it.
        }
    }

    private static async Task<(string Schema, string Version)?> InstalledAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Installed, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetString(1)) : null;
    }
}
