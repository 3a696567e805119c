using Baton.State.Tests.Contract;

namespace Baton.State.Tests.Sqlite;

public sealed class SqliteAccessStoreTests : AccessStoreContract, IDisposable
{
    private readonly SqliteTestDatabase _database = new("baton-access-");

    protected override Task<StateStores> OpenStoresAsync() => _database.OpenAsync(TimeProvider.System);

    public void Dispose() => _database.Dispose();

    protected override Task DeleteDatabaseAsync() => _database.DeleteAsync();
}
