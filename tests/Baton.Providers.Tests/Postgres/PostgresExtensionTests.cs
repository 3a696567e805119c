using Baton.Providers.Postgres;
using Baton.Providers.Tests.Conformance;

namespace Baton.Providers.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresExtensionTests(PostgresServer server) : IAsyncLifetime
{
    private readonly string _database = "ext 'db' ñ " + Guid.NewGuid().ToString("N")[..6];
    private IProvider? _provider;

    private IProvider Provider => _provider!;

    public async Task InitializeAsync()
    {
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
    }

    [Fact]
    public async Task Update_NewVersion_UpdatesAndReadsBackByIdAndIsGoneWhenDroppedOutsideBaton()
    {
        var first = V.Map(("name", "citext"), ("database", _database), ("version", "1.4"));
        var created = await Provider.CreateAsync(new CreateRequest { Type = "postgres.extension", Address = "postgres.extension.t", Inputs = first, IdempotencyKey = "k" }, CancellationToken.None);
        Assert.Null(created.Error);
        Assert.Equal("1.4", created.Attributes!.AsMap()["version"].AsString());
        Assert.Equal("public", created.Attributes.AsMap()["schema"].AsString());

        var second = V.Map(("name", "citext"), ("database", _database), ("version", "1.6"));
        var updated = await Provider.UpdateAsync(
            new UpdateRequest { Type = "postgres.extension", Address = "postgres.extension.t", Id = created.Id!, PriorInputs = first, PriorAttributes = created.Attributes, Inputs = second, IdempotencyKey = "u" },
            CancellationToken.None);
        Assert.Null(updated.Error);
        Assert.Equal("1.6", updated.Attributes!.AsMap()["version"].AsString());

        var byId = await Provider.ReadAsync(new ReadRequest { Type = "postgres.extension", Address = "postgres.extension.t", Id = created.Id }, CancellationToken.None);
        Assert.True(byId.Exists);
        Assert.Equal(updated.Attributes, byId.Attributes);

        await PostgresSql.ExecuteAsync(server, "DROP EXTENSION citext", _database);
        var gone = await Provider.ReadAsync(new ReadRequest { Type = "postgres.extension", Address = "postgres.extension.t", Id = created.Id }, CancellationToken.None);
        Assert.Null(gone.Error);
        Assert.False(gone.Exists);
    }

    [Fact]
    public async Task Create_UnknownExtension_IsPermanentWithTheServersMessage()
    {
        var result = await Provider.CreateAsync(
            new CreateRequest { Type = "postgres.extension", Address = "postgres.extension.t", Inputs = V.Map(("name", "no_such_ext"), ("database", _database)), IdempotencyKey = "k" },
            CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains("no_such_ext", result.Error.Message, StringComparison.Ordinal);
    }
}
