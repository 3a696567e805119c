using Baton.Providers.Postgres;
using Baton.Providers.Tests.Conformance;
using Baton.Values;
using Npgsql;

namespace Baton.Providers.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrantTests(PostgresServer server) : IAsyncLifetime
{
    private readonly string _role = "grantee 'q\"' ß " + Guid.NewGuid().ToString("N")[..6];
    private readonly string _database = "grants \"db\" ∂ " + Guid.NewGuid().ToString("N")[..6];
    private IProvider? _provider;

    private IProvider Provider => _provider!;

    public async Task InitializeAsync()
    {
        await PostgresSql.ExecuteAsync(server, $"CREATE ROLE {PostgresSql.Quote(_role)}");
        await PostgresSql.ExecuteAsync(server, $"CREATE DATABASE {PostgresSql.Quote(_database)}");
        _provider = await new PostgresProviderFactory().StartAsync(PostgresProviderTests.ConfigurationFor(server));
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await PostgresSql.ExecuteAsync(server, $"DROP DATABASE IF EXISTS {PostgresSql.Quote(_database)} WITH (FORCE)");
        await PostgresSql.ExecuteAsync(server, $"DROP ROLE IF EXISTS {PostgresSql.Quote(_role)}");
    }

    [Fact]
    public async Task Read_PrivilegeRevokedOutsideBaton_ReportsWhatTheServerGrants()
    {
        var inputs = V.Map(("role", _role), ("database", _database), ("privileges", PostgresSql.List("connect", "create")));
        var created = await CreateAsync(inputs);
        Assert.Equal(PostgresSql.List("connect", "create"), Attribute(created.Attributes!, "privileges"));
        Assert.True(await HasDatabasePrivilegeAsync("CREATE"));

        await PostgresSql.ExecuteAsync(server, $"REVOKE CREATE ON DATABASE {PostgresSql.Quote(_database)} FROM {PostgresSql.Quote(_role)}");
        var read = await ReadAsync(created.Id!, inputs, created.Attributes);

        Assert.True(read.Exists);
        Assert.Equal(PostgresSql.List("CONNECT"), Attribute(read.Attributes!, "privileges"));
        var plan = await Provider.PlanAsync(new PlanRequest { Type = "postgres.grant", Address = "postgres.grant.t", Inputs = inputs, PriorInputs = inputs, PriorAttributes = read.Attributes }, CancellationToken.None);
        Assert.Empty(plan.RequiresReplace);
        Assert.NotEqual(read.Attributes, plan.PlannedAttributes);

        var repaired = await Provider.UpdateAsync(
            new UpdateRequest { Type = "postgres.grant", Address = "postgres.grant.t", Id = created.Id!, PriorInputs = inputs, PriorAttributes = read.Attributes!, Inputs = inputs, IdempotencyKey = "u" },
            CancellationToken.None);
        Assert.Null(repaired.Error);
        Assert.Equal(created.Attributes, repaired.Attributes);
        Assert.True(await HasDatabasePrivilegeAsync("CREATE"));
    }

    [Fact]
    public async Task Update_FewerPrivileges_RevokesTheOthers()
    {
        var all = V.Map(("role", _role), ("database", _database), ("privileges", PostgresSql.List("ALL")));
        var created = await CreateAsync(all);
        Assert.True(await HasDatabasePrivilegeAsync("CREATE"));

        var fewer = V.Map(("role", _role), ("database", _database), ("privileges", PostgresSql.List("CONNECT")));
        var updated = await Provider.UpdateAsync(
            new UpdateRequest { Type = "postgres.grant", Address = "postgres.grant.t", Id = created.Id!, PriorInputs = all, PriorAttributes = created.Attributes!, Inputs = fewer, IdempotencyKey = "u" },
            CancellationToken.None);

        Assert.Null(updated.Error);
        Assert.Equal(PostgresSql.List("CONNECT"), Attribute(updated.Attributes!, "privileges"));
        // TEMPORARY stays through PUBLIC, which a grant to one role does not touch; CREATE is gone.
        Assert.False(await HasDatabasePrivilegeAsync("CREATE"));
    }

    [Fact]
    public async Task Create_OnTablesWithDefaultPrivileges_CoversTablesMadeLater()
    {
        const string Schema = "app \"s\" ö";
        await PostgresSql.ExecuteAsync(server, $"CREATE SCHEMA {PostgresSql.Quote(Schema)}; CREATE TABLE {PostgresSql.Quote(Schema)}.\"before\" (id int)", _database);
        var inputs = V.Map(
            ("role", _role), ("database", _database), ("on", "tables"), ("schema", Schema),
            ("privileges", PostgresSql.List("SELECT", "insert")), ("default_privileges", true));
        var created = await CreateAsync(inputs);
        Assert.True(Attribute(created.Attributes!, "default_privileges").AsBool());
        Assert.Equal($"{PostgresSql.Quote(_role)} on tables {PostgresSql.Quote(_database)}.{PostgresSql.Quote(Schema)}", created.Id);

        await PostgresSql.ExecuteAsync(server, $"CREATE TABLE {PostgresSql.Quote(Schema)}.\"after\" (id int)", _database);
        Assert.True(await HasTablePrivilegeAsync(Schema, "before", "SELECT"));
        Assert.True(await HasTablePrivilegeAsync(Schema, "after", "INSERT"));
        Assert.False(await HasTablePrivilegeAsync(Schema, "after", "DELETE"));
        Assert.Equal(created.Attributes, (await ReadAsync(created.Id!, inputs, created.Attributes)).Attributes);

        await PostgresSql.ExecuteAsync(server, $"REVOKE INSERT ON {PostgresSql.Quote(Schema)}.\"after\" FROM {PostgresSql.Quote(_role)}", _database);
        var drifted = await ReadAsync(created.Id!, inputs, created.Attributes);
        Assert.Equal(PostgresSql.List("SELECT"), Attribute(drifted.Attributes!, "privileges"));

        var deleted = await Provider.DeleteAsync(
            new DeleteRequest { Type = "postgres.grant", Address = "postgres.grant.t", Id = created.Id!, Attributes = created.Attributes!, IdempotencyKey = "d" },
            CancellationToken.None);
        Assert.Null(deleted.Error);
        Assert.False(await HasTablePrivilegeAsync(Schema, "before", "SELECT"));
        Assert.False((await ReadAsync(created.Id!, inputs, created.Attributes)).Exists);
    }

    [Fact]
    public async Task Read_ByIdAlone_ParsesTheQuotedId()
    {
        var created = await CreateAsync(V.Map(("role", _role), ("database", _database), ("privileges", PostgresSql.List("TEMPORARY"))));
        var read = await ReadAsync(created.Id!, null, null);
        Assert.True(read.Exists);
        Assert.Equal(PostgresSql.List("TEMPORARY"), Attribute(read.Attributes!, "privileges"));
    }

    [Theory]
    [InlineData("database", null, "SELECT")]
    [InlineData("database", null, "CONNECT; DROP DATABASE postgres")]
    [InlineData("schema", "public", "CONNECT")]
    [InlineData("tables", "public", "USAGE")]
    public async Task Validate_PrivilegeNotOfTheScope_IsAnError(string on, string? schema, string privilege)
    {
        var inputs = V.Map(("role", _role), ("database", _database), ("on", on), ("schema", schema), ("privileges", PostgresSql.List(privilege)));
        var result = await Provider.ValidateAsync(new ValidateRequest("postgres.grant", "postgres.grant.bad", inputs), CancellationToken.None);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal("BT5601", error.Code);
        Assert.Contains(privilege, error.Message, StringComparison.Ordinal);

        var create = await Provider.CreateAsync(new CreateRequest { Type = "postgres.grant", Address = "postgres.grant.bad", Inputs = inputs, IdempotencyKey = "k" }, CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, create.Error!.Kind);
    }

    [Fact]
    public async Task Validate_SchemaMissingForTables_IsAnError()
    {
        var inputs = V.Map(("role", _role), ("database", _database), ("on", "tables"), ("privileges", PostgresSql.List("SELECT")));
        var result = await Provider.ValidateAsync(new ValidateRequest("postgres.grant", "postgres.grant.bad", inputs), CancellationToken.None);
        Assert.Contains(result.Diagnostics, d => d.IsError && d.Message.Contains("schema is required", StringComparison.Ordinal));
    }

    private static Value Attribute(Value attributes, string name) => attributes.AsMap()[name];

    private async Task<bool> HasDatabasePrivilegeAsync(string privilege)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT has_database_privilege($1, $2, $3)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _role });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = privilege });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private async Task<bool> HasTablePrivilegeAsync(string schema, string table, string privilege)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString(database: _database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT has_table_privilege($1, $2::regclass, $3)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _role });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresSql.Quote(schema) + "." + PostgresSql.Quote(table) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = privilege });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private async Task<ResourceResult> CreateAsync(Value inputs)
    {
        var result = await Provider.CreateAsync(new CreateRequest { Type = "postgres.grant", Address = "postgres.grant.t", Inputs = inputs, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") }, CancellationToken.None);
        Assert.Null(result.Error);
        return result;
    }

    private async Task<ReadResult> ReadAsync(string id, Value? inputs, Value? attributes)
    {
        var result = await Provider.ReadAsync(new ReadRequest { Type = "postgres.grant", Address = "postgres.grant.t", Id = id, Inputs = inputs, Attributes = attributes }, CancellationToken.None);
        Assert.Null(result.Error);
        return result;
    }
}
