using Baton.Providers.Postgres;
using Baton.Providers.Tests.Conformance;
using Baton.Values;
using Npgsql;

namespace Baton.Providers.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresExtensionConformanceTests(PostgresServer server) : ProviderConformance, IConformanceObserver
{
    private const string Schema = "extensions é";
    private readonly string _database = "conf_ext \"x\" " + Guid.NewGuid().ToString("N")[..8];

    protected override IProviderFactory Factory { get; } = new PostgresProviderFactory();

    protected override ProviderConfiguration Configuration => PostgresProviderTests.ConfigurationFor(server);

    protected override string ResourceType => "postgres.extension";

    protected override Value ValidInputs => V.Map(("name", "citext"), ("database", _database));

    protected override Value ChangedInputs => V.Map(("name", "citext"), ("database", _database), ("schema", Schema));

    protected override Value? ReplacingInputs => V.Map(("name", "hstore"), ("database", _database));

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(StringComparer.Ordinal) { "id" };

    public override async Task InitializeAsync()
    {
        await PostgresSql.ExecuteAsync(server, $"CREATE DATABASE {PostgresSql.Quote(_database)}");
        await PostgresSql.ExecuteAsync(server, $"CREATE SCHEMA {PostgresSql.Quote(Schema)}", _database);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgresSql.ExecuteAsync(server, $"DROP DATABASE IF EXISTS {PostgresSql.Quote(_database)} WITH (FORCE)");
    }

    public int CountRealObjects(string address, string id)
    {
        using var connection = new NpgsqlConnection(server.ConnectionString(database: _database));
        connection.Open();
        using var command = new NpgsqlCommand("SELECT count(*) FROM pg_extension WHERE extname = 'citext'", connection);
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
