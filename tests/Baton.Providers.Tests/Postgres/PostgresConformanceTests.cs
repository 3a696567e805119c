using Baton.Providers.Postgres;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDatabaseConformanceTests(PostgresServer server) : ProviderConformance, IConformanceObserver
{
    private readonly string _name = "conf_db_" + Guid.NewGuid().ToString("N")[..10];

    protected override IProviderFactory Factory { get; } = new PostgresProviderFactory();

    protected override ProviderConfiguration Configuration => PostgresProviderTests.ConfigurationFor(server);

    protected override string ResourceType => "postgres.database";

    protected override Value ValidInputs => V.Map(("name", _name));

    protected override Value ChangedInputs => V.Map(("name", _name), ("owner", "postgres"));

    protected override Value? ReplacingInputs => V.Map(("name", _name + "_b"));

    public int CountRealObjects(string address, string id) =>
        PostgresProviderTests.Count(server, "SELECT count(*) FROM pg_database WHERE datname = $1", id);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRoleConformanceTests(PostgresServer server) : ProviderConformance, IConformanceObserver
{
    private readonly string _name = "conf_role_" + Guid.NewGuid().ToString("N")[..10];

    protected override IProviderFactory Factory { get; } = new PostgresProviderFactory();

    protected override ProviderConfiguration Configuration => PostgresProviderTests.ConfigurationFor(server);

    protected override string ResourceType => "postgres.role";

    protected override Value ValidInputs => V.Map(("name", _name), ("password", "first-secret"));

    protected override Value ChangedInputs => V.Map(("name", _name), ("password", "second-secret"), ("login", false));

    protected override Value? ReplacingInputs => V.Map(("name", _name + "_b"), ("password", "first-secret"));

    public int CountRealObjects(string address, string id) =>
        PostgresProviderTests.Count(server, "SELECT count(*) FROM pg_roles WHERE rolname = $1", id);
}
