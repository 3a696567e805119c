using Baton.Providers.Postgres;
using Baton.Providers.Tests.Conformance;
using Baton.Values;
using Npgsql;

namespace Baton.Providers.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrantConformanceTests(PostgresServer server) : ProviderConformance, IConformanceObserver
{
    private readonly string _role = "conf grantee \"r\" ü " + Guid.NewGuid().ToString("N")[..8];
    private readonly string _database = "conf grant \"db\" é " + Guid.NewGuid().ToString("N")[..8];

    protected override IProviderFactory Factory { get; } = new PostgresProviderFactory();

    protected override ProviderConfiguration Configuration => PostgresProviderTests.ConfigurationFor(server);

    protected override string ResourceType => "postgres.grant";

    protected override Value ValidInputs => V.Map(("role", _role), ("database", _database), ("privileges", PostgresSql.List("CONNECT")));

    protected override Value ChangedInputs => V.Map(("role", _role), ("database", _database), ("privileges", PostgresSql.List("connect", "TEMP")));

    protected override Value? ReplacingInputs => V.Map(("role", _role + "_b"), ("database", _database), ("privileges", PostgresSql.List("CONNECT")));

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(StringComparer.Ordinal) { "id" };

    public override async Task InitializeAsync()
    {
        await PostgresSql.ExecuteAsync(server, $"CREATE ROLE {PostgresSql.Quote(_role)}");
        await PostgresSql.ExecuteAsync(server, $"CREATE DATABASE {PostgresSql.Quote(_database)}");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgresSql.ExecuteAsync(server, $"DROP DATABASE IF EXISTS {PostgresSql.Quote(_database)} WITH (FORCE)");
        await PostgresSql.ExecuteAsync(server, $"DROP ROLE IF EXISTS {PostgresSql.Quote(_role)}");
    }

    public int CountRealObjects(string address, string id)
    {
        using var connection = new NpgsqlConnection(server.ConnectionString());
        connection.Open();
        using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) a JOIN pg_roles r ON r.oid = a.grantee WHERE d.datname = $1 AND r.rolname = $2",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _role });
        return Math.Min(1, Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
