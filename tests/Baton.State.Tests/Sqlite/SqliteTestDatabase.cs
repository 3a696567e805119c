using System.Security.Cryptography;
using Baton.State.Sqlite;
using Microsoft.Data.Sqlite;

namespace Baton.State.Tests.Sqlite;

/// <summary>
/// One test's SQLite state: a file in a temporary directory of its own, opened with one random secret key as the
/// stores of every concern; what each SQLite contract test class opens its stores with.
/// </summary>
internal sealed class SqliteTestDatabase : IDisposable
{
    private readonly string _directory;

    public SqliteTestDatabase(string prefix)
    {
        _directory = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The state file.</summary>
    public string DatabasePath => Path.Combine(_directory, ".baton", "state.db");

    /// <summary>The key every store of this database is opened with.</summary>
    public AesGcmSecretProtector Protector { get; } = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>Opens the stores on the state file, with <paramref name="time"/> as their clock.</summary>
    public Task<StateStores> OpenAsync(TimeProvider time) => SqliteStores.OpenAsync(DatabasePath, Protector, time, CancellationToken.None);

    /// <summary>Removes the directory and everything in it (after every store opened on it was disposed).</summary>
    public Task DeleteAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Protector.Dispose();
        DeleteAsync().GetAwaiter().GetResult();
    }
}
