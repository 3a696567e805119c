using Baton.State.Tests.Contract;

namespace Baton.State.Tests.Sqlite;

public sealed class SqliteApplyHistoryTests : ApplyHistoryContract, IDisposable
{
    private readonly SqliteTestDatabase _database = new("baton-applies-");

    protected override Task<StateStores> CreateStoresAsync(TimeProvider time) => _database.OpenAsync(time);

    public void Dispose() => _database.Dispose();
}
