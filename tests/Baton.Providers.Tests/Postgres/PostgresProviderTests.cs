using Baton.Providers.Postgres;
using Baton.Providers.Tests.Conformance;
using Baton.Values;
using Npgsql;

namespace Baton.Providers.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresProviderTests(PostgresServer server) : IAsyncLifetime
{
    private IProvider? _provider;

    private IProvider Provider => _provider!;

    public static ProviderConfiguration ConfigurationFor(PostgresServer server, string? password = null, int? port = null) => new()
    {
        InstanceName = "postgres",
        Settings = V.Map(("host", server.Host), ("port", port ?? server.Port), ("user", server.User), ("password", password ?? server.Password), ("sslmode", "disable")),
        StackDirectory = Path.GetTempPath(),
        StateDirectory = Path.GetTempPath(),
    };

    public static int Count(PostgresServer server, string sql, string parameter)
    {
        using var connection = new NpgsqlConnection(server.ConnectionString());
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task InitializeAsync() => _provider = await new PostgresProviderFactory().StartAsync(ConfigurationFor(server));

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task Create_DatabaseNameWithQuoteAndUnicode_RoundTrips()
    {
        var name = "shop \"x\" é " + Guid.NewGuid().ToString("N")[..6];
        var created = await CreateAsync("postgres.database", V.Map(("name", name)));

        Assert.Equal(name, created.Id);
        Assert.Equal(1, Count(server, "SELECT count(*) FROM pg_database WHERE datname = $1", name));
        var read = await ReadAsync("postgres.database", name, created.Attributes);
        Assert.True(read.Exists);
        Assert.Equal(created.Attributes, read.Attributes);

        var connectionString = created.Attributes!.AsMap()["connection_string"];
        Assert.True(connectionString.IsSensitive);
        await using (var connection = new NpgsqlConnection(connectionString.AsString() + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_database()", connection);
            Assert.Equal(name, await command.ExecuteScalarAsync());
        }

        Assert.Null((await DeleteAsync("postgres.database", name, created.Attributes!)).Error);
        Assert.False((await ReadAsync("postgres.database", name, null)).Exists);
    }

    [Fact]
    public async Task Create_RoleWithoutPassword_GeneratesOneThatLogsIn()
    {
        var name = "app 'o\"k' ü " + Guid.NewGuid().ToString("N")[..6];
        var created = await CreateAsync("postgres.role", V.Map(("name", name)));

        var password = created.Attributes!.AsMap()["password"];
        Assert.True(password.IsSensitive);
        Assert.Equal(32, password.AsString().Length);
        Assert.True(password.AsString().All(char.IsAsciiLetterOrDigit));
        Assert.Equal(name, await CurrentUserAsync(name, password.AsString()));
        Assert.Equal(name, await CurrentUserAsync(created.Attributes.AsMap()["connection_string"].AsString()));
    }

    [Fact]
    public async Task Update_RoleWithNewPassword_RotatesIt()
    {
        var name = "rotate_" + Guid.NewGuid().ToString("N")[..8];
        var first = V.Map(("name", name), ("password", "old-'pass\\word"));
        var created = await CreateAsync("postgres.role", first);
        Assert.Equal(name, await CurrentUserAsync(name, "old-'pass\\word"));

        var second = V.Map(("name", name), ("password", "new-pass"));
        var plan = await Provider.PlanAsync(new PlanRequest { Type = "postgres.role", Address = "postgres.role.app", Inputs = second, PriorInputs = first, PriorAttributes = created.Attributes }, CancellationToken.None);
        Assert.Empty(plan.RequiresReplace);
        var updated = await Provider.UpdateAsync(
            new UpdateRequest { Type = "postgres.role", Address = "postgres.role.app", Id = name, PriorInputs = first, PriorAttributes = created.Attributes!, Inputs = second, IdempotencyKey = "u1" },
            CancellationToken.None);

        Assert.Null(updated.Error);
        Assert.Equal("new-pass", updated.Attributes!.AsMap()["password"].AsString());
        Assert.Equal(name, await CurrentUserAsync(name, "new-pass"));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => CurrentUserAsync(name, "old-'pass\\word"));
        Assert.Equal("28P01", refused.SqlState);
    }

    [Fact]
    public async Task Create_WrongProviderPassword_IsPermanentNamingHostAndUser()
    {
        await using var provider = await new PostgresProviderFactory().StartAsync(ConfigurationFor(server, password: "not-the-password"));
        var result = await provider.CreateAsync(
            new CreateRequest { Type = "postgres.database", Address = "postgres.database.shop", Inputs = V.Map(("name", "never_made")), IdempotencyKey = "k" },
            CancellationToken.None);

        Assert.NotNull(result.Error);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error.Kind);
        Assert.Contains($"{server.Host}:{server.Port}", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("\"postgres\"", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("postgres.database.shop", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ServerDown_IsTransient()
    {
        await using var provider = await new PostgresProviderFactory().StartAsync(ConfigurationFor(server, port: LoopbackPort.Free()));
        var result = await provider.ReadAsync(new ReadRequest { Type = "postgres.role", Address = "postgres.role.app", Id = "app" }, CancellationToken.None);

        Assert.NotNull(result.Error);
        Assert.Equal(ProviderErrorKind.Transient, result.Error.Kind);
    }

    [Fact]
    public async Task Read_DroppedOutsideBaton_IsGone()
    {
        var database = "dropped_" + Guid.NewGuid().ToString("N")[..8];
        var role = "dropped_" + Guid.NewGuid().ToString("N")[..8];
        var createdDatabase = await CreateAsync("postgres.database", V.Map(("name", database)));
        var createdRole = await CreateAsync("postgres.role", V.Map(("name", role)));

        await using (var connection = new NpgsqlConnection(server.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE \"{database}\"; DROP ROLE \"{role}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var readDatabase = await ReadAsync("postgres.database", database, createdDatabase.Attributes);
        var readRole = await ReadAsync("postgres.role", role, createdRole.Attributes);
        Assert.Null(readDatabase.Error);
        Assert.False(readDatabase.Exists);
        Assert.Null(readRole.Error);
        Assert.False(readRole.Exists);
    }

    [Fact]
    public async Task Read_OwnerChangedOutsideBaton_ReportsTheRealOwner()
    {
        var owner = "owner_" + Guid.NewGuid().ToString("N")[..8];
        var database = "owned_" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync("postgres.role", V.Map(("name", owner), ("login", false)));
        var created = await CreateAsync("postgres.database", V.Map(("name", database)));
        Assert.Equal("postgres", created.Attributes!.AsMap()["owner"].AsString());

        await using (var connection = new NpgsqlConnection(server.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"ALTER DATABASE \"{database}\" OWNER TO \"{owner}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var read = await ReadAsync("postgres.database", database, created.Attributes);
        Assert.Equal(owner, read.Attributes!.AsMap()["owner"].AsString());
    }

    [Fact]
    public async Task Validate_NameWithNul_IsAnError()
    {
        var result = await Provider.ValidateAsync(new ValidateRequest("postgres.role", "postgres.role.bad", V.Map(("name", "a\0b"))), CancellationToken.None);
        Assert.Contains(result.Diagnostics, d => d.IsError);
    }

    private async Task<string?> CurrentUserAsync(string user, string password) =>
        await CurrentUserAsync(server.ConnectionString(user: user, password: password));

    private static async Task<string?> CurrentUserAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user", connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task<ResourceResult> CreateAsync(string type, Value inputs)
    {
        var result = await Provider.CreateAsync(new CreateRequest { Type = type, Address = type + ".t", Inputs = inputs, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") }, CancellationToken.None);
        Assert.Null(result.Error);
        return result;
    }

    private async Task<ReadResult> ReadAsync(string type, string id, Value? attributes) =>
        await Provider.ReadAsync(new ReadRequest { Type = type, Address = type + ".t", Id = id, Attributes = attributes }, CancellationToken.None);

    private async Task<DeleteResult> DeleteAsync(string type, string id, Value attributes) =>
        await Provider.DeleteAsync(new DeleteRequest { Type = type, Address = type + ".t", Id = id, Attributes = attributes, IdempotencyKey = "d" }, CancellationToken.None);
}
