using System.Security.Cryptography;
using Baton.Access;
using Baton.State.Sqlite;
using Baton.State.Tests.Contract;
using Microsoft.Data.Sqlite;

namespace Baton.State.Tests.Sqlite;

public sealed class SqliteAccessStoreTests : AccessStoreContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "baton-access-" + Guid.NewGuid().ToString("N"));
    private readonly AesGcmSecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    private string DatabasePath => Path.Combine(_directory, ".baton", "state.db");

    protected override async Task<IAccessStore> OpenStoreAsync() =>
        await SqliteStateStore.OpenAsync(DatabasePath, _protector, TimeProvider.System, CancellationToken.None);

    public void Dispose() => _protector.Dispose();

    protected override Task DeleteDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
