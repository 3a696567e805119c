using Baton.Values;
using Npgsql;

namespace Baton.Providers.Postgres;

/// <summary>
/// <c>postgres.grant</c> on the server. A grant is authoritative for its role on its object: applying it grants the
/// listed privileges and revokes the scope's others, and a read reports what the server's ACLs really hold, so a
/// privilege revoked (or added) outside Baton shows as drift.
/// </summary>
internal sealed class GrantResource(PostgresConnections connections)
{
    private const string UndefinedDatabase = "3D000";
    private const string UndefinedSchema = "3F000";
    private const string UndefinedObject = "42704";

    private const string DatabaseAcl = """
        SELECT a.privilege_type FROM pg_database d
        CROSS JOIN LATERAL aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
        JOIN pg_roles r ON r.oid = a.grantee
        WHERE d.datname = $1 AND r.rolname = $2
        """;

    private const string SchemaAcl = """
        SELECT a.privilege_type FROM pg_namespace n
        CROSS JOIN LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
        JOIN pg_roles r ON r.oid = a.grantee
        WHERE n.nspname = $1 AND r.rolname = $2
        """;

    private const string TableAcls = """
        SELECT c.oid::bigint, p.privilege_type FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN LATERAL (
            SELECT a.privilege_type FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
            JOIN pg_roles r ON r.oid = a.grantee WHERE r.rolname = $2) p ON true
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        """;

    private const string DefaultAcl = """
        SELECT a.privilege_type FROM pg_default_acl d
        JOIN pg_namespace n ON n.oid = d.defaclnamespace
        CROSS JOIN LATERAL aclexplode(d.defaclacl) a
        JOIN pg_roles r ON r.oid = a.grantee
        WHERE n.nspname = $1 AND r.rolname = $2 AND d.defaclobjtype = 'r'
          AND d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user)
        """;

    /// <summary>Grants the privileges and revokes the scope's others, in one transaction; then reads the result.</summary>
    public async Task<ResourceResult> ApplyAsync(GrantSpec spec, bool revokeDefaults, CancellationToken cancellationToken)
    {
        await using (var connection = await connections.OpenAsync(spec.On == GrantScope.Database ? null : spec.Database, cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var role = SqlText.Identifier(spec.Role);
            var unwanted = GrantPrivileges.For(spec.On).Except(spec.Privileges).ToArray();
            await PostgresConnections.ExecuteAsync(connection, $"GRANT {string.Join(", ", spec.Privileges)} ON {spec.ObjectSql} TO {role}", cancellationToken);
            if (unwanted.Length > 0)
            {
                await PostgresConnections.ExecuteAsync(connection, $"REVOKE {string.Join(", ", unwanted)} ON {spec.ObjectSql} FROM {role}", cancellationToken);
            }

            if (spec.On == GrantScope.Tables)
            {
                var defaults = $"ALTER DEFAULT PRIVILEGES IN SCHEMA {SqlText.Identifier(spec.Schema!)}";
                if (spec.DefaultPrivileges)
                {
                    await PostgresConnections.ExecuteAsync(connection, $"{defaults} GRANT {string.Join(", ", spec.Privileges)} ON TABLES TO {role}", cancellationToken);
                    if (unwanted.Length > 0)
                    {
                        await PostgresConnections.ExecuteAsync(connection, $"{defaults} REVOKE {string.Join(", ", unwanted)} ON TABLES FROM {role}", cancellationToken);
                    }
                }
                else if (revokeDefaults)
                {
                    await PostgresConnections.ExecuteAsync(connection, $"{defaults} REVOKE ALL ON TABLES FROM {role}", cancellationToken);
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return await ReadAsync(spec, cancellationToken) is { } attributes
            ? ResourceResult.Success(spec.Id, attributes)
            : ResourceResult.Failure(ProviderError.Transient($"the grant {spec.Id} vanished right after it was made"));
    }

    /// <summary>Revokes what the grant gave; an object or role that is gone counts as revoked.</summary>
    public async Task RevokeAsync(GrantSpec spec, CancellationToken cancellationToken)
    {
        var privileges = spec.Privileges.IsEmpty ? GrantPrivileges.For(spec.On) : spec.Privileges;
        try
        {
            await using var connection = await connections.OpenAsync(spec.On == GrantScope.Database ? null : spec.Database, cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var role = SqlText.Identifier(spec.Role);
            await PostgresConnections.ExecuteAsync(connection, $"REVOKE {string.Join(", ", privileges)} ON {spec.ObjectSql} FROM {role}", cancellationToken);
            if (spec.DefaultPrivileges)
            {
                await PostgresConnections.ExecuteAsync(
                    connection, $"ALTER DEFAULT PRIVILEGES IN SCHEMA {SqlText.Identifier(spec.Schema!)} REVOKE {string.Join(", ", privileges)} ON TABLES FROM {role}", cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is UndefinedDatabase or UndefinedSchema or UndefinedObject)
        {
            // Nothing is left to revoke.
        }
    }

    /// <summary>The grant's attributes as the server holds them, or null when the role holds none of them (or the object or role is gone).</summary>
    public async Task<Value?> ReadAsync(GrantSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(spec.On == GrantScope.Database ? null : spec.Database, cancellationToken);
            if (spec.On != GrantScope.Tables)
            {
                var held = await PrivilegesAsync(connection, spec.On == GrantScope.Database ? DatabaseAcl : SchemaAcl, spec.On == GrantScope.Database ? spec.Database : spec.Schema!, spec.Role, cancellationToken);
                return held.Count == 0 ? null : Attributes(spec, held, defaultsHeld: false);
            }

            return await ReadTablesAsync(connection, spec, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == UndefinedDatabase)
        {
            return null;
        }
    }

    private static async Task<Value?> ReadTablesAsync(NpgsqlConnection connection, GrantSpec spec, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(connection, "SELECT 1 FROM pg_namespace WHERE nspname = $1", spec.Schema!, cancellationToken)
            || !await ExistsAsync(connection, "SELECT 1 FROM pg_roles WHERE rolname = $1", spec.Role, cancellationToken))
        {
            return null;
        }

        var tables = new Dictionary<long, HashSet<string>>();
        await using (var command = new NpgsqlCommand(TableAcls, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = spec.Schema });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = spec.Role });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var table = reader.GetInt64(0);
                if (!tables.TryGetValue(table, out var privileges))
                {
                    tables[table] = privileges = new HashSet<string>(StringComparer.Ordinal);
                }

                if (!reader.IsDBNull(1))
                {
                    privileges.Add(reader.GetString(1));
                }
            }
        }

        var defaults = spec.DefaultPrivileges
            ? await PrivilegesAsync(connection, DefaultAcl, spec.Schema!, spec.Role, cancellationToken)
            : [];
        var defaultsHeld = spec.DefaultPrivileges && !spec.Privileges.IsEmpty && spec.Privileges.All(defaults.Contains);

        // A grant on all tables of a schema without tables holds vacuously; the default privileges, when managed, still tell.
        HashSet<string> held = tables.Count > 0 ? tables.Values.Aggregate((a, b) => [.. a.Intersect(b)])
            : spec.DefaultPrivileges ? defaults
            : [.. spec.Privileges];
        return held.Count == 0 && defaults.Count == 0 ? null : Attributes(spec, held, defaultsHeld);
    }

    private static Value Attributes(GrantSpec spec, HashSet<string> held, bool defaultsHeld)
    {
        var actual = GrantPrivileges.For(spec.On).Where(held.Contains).ToArray();
        var privileges = spec.GivenPrivileges is { } given && actual.SequenceEqual(spec.Privileges, StringComparer.Ordinal)
            ? given
            : Value.List(actual.Select(Value.String));
        return Value.Map(
        [
            new("id", Value.String(spec.Id)),
            new("role", Value.String(spec.Role)),
            new("database", Value.String(spec.Database)),
            new("on", Value.String(GrantSpec.ScopeName(spec.On))),
            new("schema", spec.Schema is null ? Value.Null : Value.String(spec.Schema)),
            new("privileges", privileges),
            new("default_privileges", Value.Bool(defaultsHeld)),
        ]);
    }

    private static async Task<HashSet<string>> PrivilegesAsync(NpgsqlConnection connection, string sql, string name, string role, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = role });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var privileges = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            privileges.Add(reader.GetString(0));
        }

        return privileges;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string sql, string parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
