using System.Security.Cryptography;
using Baton.Providers.Postgres;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresActionTests(PostgresServer server) : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _stack = new();
    private readonly string _source = "src \"db\"=é " + Guid.NewGuid().ToString("N")[..6];
    private readonly string _restored = "restored 'db' ü " + Guid.NewGuid().ToString("N")[..6];
    private IProvider? _provider;

    private IProvider Provider => _provider!;

    public async Task InitializeAsync()
    {
        await PostgresSql.ExecuteAsync(server, $"CREATE DATABASE {PostgresSql.Quote(_source)}");
        await PostgresSql.ExecuteAsync(
            server,
            "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(8,2), tags text[], made date); "
            + "INSERT INTO items VALUES (1, 'plain', 9.50, '{a,b}', '2024-02-29'), (2, 'ünïcødé ✓ 雪', NULL, '{}', NULL), (3, 'quote '' and \" and \\', 0, NULL, NULL)",
            _source);
        _provider = await new PostgresProviderFactory().StartAsync(Configuration("dumps"));
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await PostgresSql.ExecuteAsync(server, $"DROP DATABASE IF EXISTS {PostgresSql.Quote(_source)} WITH (FORCE)");
        await PostgresSql.ExecuteAsync(server, $"DROP DATABASE IF EXISTS {PostgresSql.Quote(_restored)} WITH (FORCE)");
    }

    public void Dispose() => _stack.Dispose();

    [Fact]
    public async Task Dump_ThenRestoreIntoNewDatabase_RoundTripsTheRows()
    {
        var dump = await InvokeAsync("postgres.dump", V.Map(("database", _source), ("file", "dumps/nightly/shop.dump")));
        var file = dump["file"].AsString();
        Assert.Equal(_stack.Combine("dumps", "nightly", "shop.dump"), file);
        Assert.Equal(new FileInfo(file).Length, (long)dump["bytes"].AsNumber());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await System.IO.File.ReadAllBytesAsync(file))), dump["sha256"].AsString());
        Assert.Equal(["shop.dump"], Directory.GetFiles(Path.GetDirectoryName(file)!).Select(Path.GetFileName));

        var restore = await InvokeAsync("postgres.restore", V.Map(("file", "dumps/nightly/shop.dump"), ("database", _restored)));
        Assert.Equal(_restored, restore["database"].AsString());
        Assert.True(restore["created"].AsBool());
        Assert.Equal(1, restore["tables"].AsNumber());

        var query = await InvokeAsync("postgres.sql", V.Map(("database", _restored), ("query", "SELECT id, name, price, tags, made FROM items ORDER BY id")));
        Assert.Equal(3, query["row_count"].AsNumber());
        Assert.False(query["truncated"].AsBool());
        Assert.Equal(PostgresSql.List("id", "name", "price", "tags", "made"), query["columns"]);
        var rows = query["rows"].AsList();
        Assert.Equal(V.Map(("id", 1), ("name", "plain"), ("price", 9.5), ("tags", PostgresSql.List("a", "b")), ("made", "2024-02-29")), rows[0]);
        Assert.Equal("ünïcødé ✓ 雪", rows[1].AsMap()["name"].AsString());
        Assert.Equal(Value.Null, rows[1].AsMap()["price"]);
        Assert.Equal("quote ' and \" and \\", rows[2].AsMap()["name"].AsString());

        var again = await InvokeAsync("postgres.restore", V.Map(("file", "dumps/nightly/shop.dump"), ("database", _restored), ("clean", true)));
        Assert.False(again["created"].AsBool());
    }

    [Theory]
    [InlineData("../escape.dump")]
    [InlineData("dumps/../../escape.dump")]
    [InlineData("/tmp/escape.dump")]
    [InlineData("dumps")]
    public async Task Dump_FileOutsideDumpRoot_IsRefused(string path)
    {
        var result = await Provider.InvokeAsync(new InvokeRequest { Action = "postgres.dump", Inputs = V.Map(("database", _source), ("file", path)), IdempotencyKey = "k" }, CancellationToken.None);

        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains("dump_root", result.Error.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(Path.GetFullPath(Path.Combine(_stack.Path, path))) && !Directory.Exists(Path.GetFullPath(Path.Combine(_stack.Path, path))));
    }

    [Fact]
    public async Task Dump_ThroughSymlinkLeavingDumpRoot_IsRefused()
    {
        using var outside = new TempDirectory();
        Directory.CreateDirectory(_stack.Combine("dumps"));
        System.IO.File.CreateSymbolicLink(_stack.Combine("dumps", "elsewhere"), outside.Path);

        var result = await Provider.InvokeAsync(
            new InvokeRequest { Action = "postgres.dump", Inputs = V.Map(("database", _source), ("file", "dumps/elsewhere/x.dump")), IdempotencyKey = "k" }, CancellationToken.None);

        Assert.Contains("outside the provider's dump_root", result.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(outside.Path));
    }

    [Fact]
    public async Task Dump_WithoutDumpRoot_IsRefused()
    {
        await using var provider = await new PostgresProviderFactory().StartAsync(PostgresProviderTests.ConfigurationFor(server));
        var result = await provider.InvokeAsync(new InvokeRequest { Action = "postgres.dump", Inputs = V.Map(("database", _source), ("file", "x.dump")), IdempotencyKey = "k" }, CancellationToken.None);
        Assert.Contains("no dump_root setting", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dump_MissingDatabase_IsPermanentAndWritesNothing()
    {
        var result = await Provider.InvokeAsync(
            new InvokeRequest { Action = "postgres.dump", Inputs = V.Map(("database", "no such database"), ("file", "dumps/none.dump")), IdempotencyKey = "k" }, CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains("no such database", result.Error.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(_stack.Combine("dumps", "none.dump")));
    }

    [Fact]
    public async Task Restore_FileThatIsNotADump_IsPermanentWithPgRestoresMessage()
    {
        Directory.CreateDirectory(_stack.Combine("dumps"));
        await System.IO.File.WriteAllTextAsync(_stack.Combine("dumps", "junk.dump"), "this is not a dump\n");
        var result = await Provider.InvokeAsync(
            new InvokeRequest { Action = "postgres.restore", Inputs = V.Map(("database", _restored), ("file", "dumps/junk.dump")), IdempotencyKey = "k" }, CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains("pg_restore", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, PostgresProviderTests.Count(server, "SELECT count(*) FROM pg_database WHERE datname = $1", _restored));
    }

    [Fact]
    public async Task Restore_TarDumpWithOwner_GivesTheDatabaseAndItsTablesToTheOwner()
    {
        var owner = "restore owner \"o\" " + Guid.NewGuid().ToString("N")[..6];
        await PostgresSql.ExecuteAsync(server, $"CREATE ROLE {PostgresSql.Quote(owner)}");
        try
        {
            await InvokeAsync("postgres.dump", V.Map(("database", _source), ("file", "dumps/shop.tar"), ("format", "tar")));
            var restore = await InvokeAsync("postgres.restore", V.Map(("file", "dumps/shop.tar"), ("database", _restored), ("owner", owner)));
            Assert.True(restore["created"].AsBool());

            var owners = await InvokeAsync("postgres.sql", V.Map(
                ("database", _restored),
                ("query", "SELECT pg_get_userbyid(d.datdba) AS database_owner, t.tableowner AS table_owner FROM pg_database d, pg_tables t WHERE d.datname = current_database() AND t.tablename = $1"),
                ("params", PostgresSql.List("items"))));
            Assert.Equal(V.Map(("database_owner", owner), ("table_owner", owner)), Assert.Single(owners["rows"].AsList()));
        }
        finally
        {
            await PostgresSql.ExecuteAsync(server, $"DROP DATABASE IF EXISTS {PostgresSql.Quote(_restored)} WITH (FORCE)");
            await PostgresSql.ExecuteAsync(server, $"DROP ROLE {PostgresSql.Quote(owner)}");
        }
    }

    [Fact]
    public async Task Sql_InjectionLookingParameters_AreData()
    {
        var hostile = "x'); DROP TABLE items; --";
        var insert = await InvokeAsync("postgres.sql", V.Map(
            ("database", _source), ("query", "INSERT INTO items (id, name) VALUES ($1, $2)"), ("params", Value.List(Value.Number(10), Value.String(hostile)))));
        Assert.Equal(1, insert["row_count"].AsNumber());
        Assert.Empty(insert["rows"].AsList());

        var select = await InvokeAsync("postgres.sql", V.Map(
            ("database", _source), ("query", "SELECT id, name FROM items WHERE name = $1 OR id::text = $2"), ("params", Value.List(Value.String(hostile), Value.String("1 OR 1=1")))));
        var row = Assert.Single(select["rows"].AsList());
        Assert.Equal(V.Map(("id", 10), ("name", hostile)), row);

        var count = await InvokeAsync("postgres.sql", V.Map(("database", _source), ("query", "SELECT count(*) AS n, $1::int + 1 AS next, $2 AS flag FROM items"), ("params", Value.List(Value.Number(41), Value.True))));
        Assert.Equal(V.Map(("n", 4), ("next", 42), ("flag", "true")), Assert.Single(count["rows"].AsList()));
    }

    [Fact]
    public async Task Sql_SensitiveParameter_MakesTheRowsSensitive()
    {
        var plain = await InvokeAsync("postgres.sql", V.Map(("query", "SELECT $1 AS v"), ("params", PostgresSql.List("open"))));
        Assert.False(plain["rows"].ContainsSensitive);

        var secret = await InvokeAsync("postgres.sql", V.Map(("query", "SELECT $1 AS v"), ("params", Value.List(Value.String("hush").AsSensitive()))));
        Assert.True(secret["rows"].IsSensitive);
        Assert.Equal("hush", secret["rows"].AsList()[0].AsMap()["v"].AsString());
    }

    [Fact]
    public async Task Sql_MoreRowsThanMaxRows_IsTruncatedAndSaysSo()
    {
        var result = await InvokeAsync("postgres.sql", V.Map(("query", "SELECT g AS n FROM generate_series(1, 20) g"), ("max_rows", 5)));
        Assert.Equal(5, result["rows"].AsList().Length);
        Assert.Equal(5, result["row_count"].AsNumber());
        Assert.True(result["truncated"].AsBool());
    }

    [Fact]
    public async Task Sql_SyntaxError_IsPermanentWithTheServersMessage()
    {
        var result = await Provider.InvokeAsync(new InvokeRequest { Action = "postgres.sql", Inputs = V.Map(("query", "SELEC 1")), IdempotencyKey = "k" }, CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains("syntax error", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_WrongProviderPassword_IsPermanentNamingTheUserNotThePassword()
    {
        await using var provider = await new PostgresProviderFactory().StartAsync(PostgresProviderTests.ConfigurationFor(server, password: "wrong-secret-42"));
        var result = await provider.InvokeAsync(new InvokeRequest { Action = "postgres.sql", Inputs = V.Map(("query", "SELECT 1")), IdempotencyKey = "k" }, CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains("password authentication failed", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("\"postgres\"", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("postgres.sql", result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-42", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dump_ServerDown_IsTransient()
    {
        await using var provider = await new PostgresProviderFactory().StartAsync(Configuration("dumps", port: LoopbackPort.Free()));
        var result = await provider.InvokeAsync(new InvokeRequest { Action = "postgres.dump", Inputs = V.Map(("database", _source), ("file", "dumps/down.dump")), IdempotencyKey = "k" }, CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Transient, result.Error!.Kind);
    }

    private ProviderConfiguration Configuration(string dumpRoot, int? port = null) => PostgresProviderTests.ConfigurationFor(server, port: port) with
    {
        Settings = V.Map(
            ("host", server.Host), ("port", port ?? server.Port), ("user", server.User), ("password", server.Password), ("sslmode", "disable"), ("dump_root", dumpRoot)),
        StackDirectory = _stack.Path,
    };

    private async Task<System.Collections.Immutable.ImmutableSortedDictionary<string, Value>> InvokeAsync(string action, Value inputs)
    {
        var result = await Provider.InvokeAsync(new InvokeRequest { Action = action, Inputs = inputs, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") }, CancellationToken.None);
        Assert.Null(result.Error);
        return result.Outputs.AsMap();
    }
}
