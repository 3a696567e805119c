using Baton.Providers;
using Baton.Providers.Postgres;

[assembly: BatonProvider(typeof(PostgresProviderFactory))]
