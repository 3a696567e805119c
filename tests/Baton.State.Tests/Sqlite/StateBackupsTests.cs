using System.Security.Cryptography;
using Baton.State.Sqlite;
using Baton.Values;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Baton.State.Tests.Sqlite;

public sealed class StateBackupsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Token = CancellationToken.None;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "baton-backups-" + Guid.NewGuid().ToString("N"));
    private readonly AesGcmSecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));
    private readonly FakeTimeProvider _clock = new(T0);

    public StateBackupsTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, ".baton", "state.db");

    private string BackupDirectory => Path.Combine(_directory, ".baton", "backups");

    public void Dispose()
    {
        _protector.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task FinishApply_ThatChangedTheState_IsBackedUpAndOnlyTheNewestAreKept()
    {
        var backups = new StateBackups(DatabasePath, _clock) { Keep = 3 };
        var serials = new List<long>();
        await using (var stores = await SqliteStores.OpenAsync(DatabasePath, _protector, _clock, backups, Token))
        {
            var held = await LockAsync(stores);
            for (var i = 1; i <= 5; i++)
            {
                _clock.Advance(TimeSpan.FromMinutes(1));
                serials.Add(await ApplyAsync(stores, held, $"a{i}", [Resource($"r{i}")]));
            }

            _clock.Advance(TimeSpan.FromMinutes(1));
            await ApplyAsync(stores, held, "unchanged", []);
        }

        var kept = backups.List();
        Assert.Equal([T0.AddMinutes(5), T0.AddMinutes(4), T0.AddMinutes(3)], kept.Select(b => b.TakenAt));
        Assert.Equal([serials[4], serials[3], serials[2]], kept.Select(b => SqliteFile.Scalar(b.Path, "SELECT serial FROM stacks WHERE name = 'app'")));
        Assert.Equal("state-20250601T1205000000000Z.db", Path.GetFileName(kept[0].Path));
        Assert.Equal(3, Directory.GetFiles(BackupDirectory).Length);
        Assert.All(kept, b => Assert.Equal("delete", SqliteFile.Scalar(b.Path, "PRAGMA journal_mode")));
    }

    [Fact]
    public async Task Replace_IsBackedUp()
    {
        var backups = new StateBackups(DatabasePath, _clock);
        await using var stores = await SqliteStores.OpenAsync(DatabasePath, _protector, _clock, backups, Token);
        var held = await LockAsync(stores);

        await stores.State.ReplaceAsync(new StackState { Stack = "app", Serial = 0, Resources = ImmutableSortedDictionaryOf(Resource("db")), Outputs = Value.EmptyMap }, held.FencingToken, Token);

        var backup = Assert.Single(backups.List());
        Assert.Equal("db", SqliteFile.Scalar(backup.Path, "SELECT key FROM resources"));
    }

    [Fact]
    public async Task Backup_ThatCannotBeWritten_IsReportedAndTheApplyStands()
    {
        var blocked = Path.Combine(_directory, "not-a-directory");
        await File.WriteAllTextAsync(blocked, "a file where the backups would go");
        var failures = new List<Exception>();
        var backups = new StateBackups(DatabasePath, _clock) { Directory = blocked, Failed = failures.Add };
        await using var stores = await SqliteStores.OpenAsync(DatabasePath, _protector, _clock, backups, Token);
        var held = await LockAsync(stores);

        await ApplyAsync(stores, held, "a1", [Resource("db")]);

        Assert.IsAssignableFrom<IOException>(Assert.Single(failures));
        Assert.Equal(ApplyStatus.Succeeded, Assert.Single(await stores.Applies.ListAppliesAsync("app", 10, Token)).Status);
        Assert.Empty(backups.List());
    }

    [Fact]
    public async Task Restore_TakesTheNewestBackupThatVerifies_DropsItsLocks_AndKeepsTheReplacedFileAside()
    {
        var backups = new StateBackups(DatabasePath, _clock);
        await using (var stores = await SqliteStores.OpenAsync(DatabasePath, _protector, _clock, backups, Token))
        {
            var held = await LockAsync(stores);
            _clock.Advance(TimeSpan.FromMinutes(1));
            await ApplyAsync(stores, held, "a1", [Resource("db")]);
            _clock.Advance(TimeSpan.FromMinutes(1));
            await ApplyAsync(stores, held, "a2", [Resource("web")]);
        }

        var (newest, older) = (backups.List()[0], backups.List()[1]);
        await File.WriteAllBytesAsync(newest.Path, new byte[8192]);
        await File.WriteAllTextAsync(DatabasePath, "damaged");
        _clock.Advance(TimeSpan.FromMinutes(1));

        var restored = backups.Restore(null, _ => true);

        Assert.Equal(older.Path, restored.Backup.Path);
        Assert.Equal(newest.Path, Assert.Single(restored.Skipped).Key);
        Assert.Contains("not a SQLite database", restored.Skipped[0].Value, StringComparison.Ordinal);
        Assert.Equal(DatabasePath + ".corrupt-20250601T1203000000000Z", restored.SetAside);
        Assert.Equal("damaged", await File.ReadAllTextAsync(restored.SetAside!));
        Assert.Null(StateBackups.Verify(DatabasePath));
        await using (var reopened = await SqliteStores.OpenAsync(DatabasePath, _protector, _clock, Token))
        {
            var state = await reopened.State.LoadAsync("app", Token);
            Assert.Equal(["db"], state.Resources.Keys);
            Assert.Equal("pw-db", state.Resources["db"].Inputs.AsMap()["password"].AsString());
            Assert.Null(await reopened.Locks.GetLockAsync("app", Token));
        }
    }

    [Fact]
    public async Task Restore_WhileAStoreHasTheStateOpen_IsRefusedAndChangesNothing()
    {
        var backups = new StateBackups(DatabasePath, _clock);
        await using var stores = await SqliteStores.OpenAsync(DatabasePath, _protector, _clock, backups, Token);
        await ApplyAsync(stores, await LockAsync(stores), "a1", [Resource("db")]);

        var error = Assert.Throws<StateFileException>(() => backups.Restore(null, _ => false));

        Assert.Contains("is open in another process", error.Message, StringComparison.Ordinal);
        Assert.Equal(["db"], (await stores.State.LoadAsync("app", Token)).Resources.Keys);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!, "*.corrupt-*"));
    }

    [Fact]
    public async Task Restore_WhileALiveHolderHasAStackLock_IsRefused()
    {
        var backups = new StateBackups(DatabasePath, _clock);
        await using (var stores = await SqliteStores.OpenAsync(DatabasePath, _protector, _clock, backups, Token))
        {
            await ApplyAsync(stores, await LockAsync(stores), "a1", [Resource("db")]);
        }

        var error = Assert.Throws<StateFileException>(() => backups.Restore(null, held => held.Owner == "alice"));
        Assert.Contains("stack \"app\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("locked by alice for apply", error.Message, StringComparison.Ordinal);

        Assert.NotNull(backups.Restore(null, _ => false).SetAside);
    }

    [Fact]
    public async Task Open_WhileARestoreHoldsTheState_FailsSayingSo()
    {
        await using (await SqliteStores.OpenAsync(DatabasePath, _protector, _clock, Token))
        {
        }

        using var restoring = new FileStream(DatabasePath + ".lock", FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var error = await Assert.ThrowsAsync<StateFileException>(() => SqliteStores.OpenAsync(DatabasePath, _protector, _clock, Token));
        Assert.Contains("is being restored", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_DatabaseOfAnotherSchema_SaysWhy()
    {
        var other = Path.Combine(_directory, "other.db");
        await using (var connection = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE photos (id INTEGER)";
            command.ExecuteNonQuery();
        }

        Assert.Equal($"{other} is not a Baton state this Baton reads: it has no schema_version table", StateBackups.Verify(other));
        Assert.Contains("does not exist", StateBackups.Verify(Path.Combine(_directory, "missing.db")), StringComparison.Ordinal);
    }

    [Fact]
    public void Keep_LessThanOne_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateBackups(DatabasePath, _clock) { Keep = 0 });

    private static async Task<StackLock> LockAsync(StateStores stores) =>
        (await stores.Locks.AcquireLockAsync("app", "alice", "apply", TimeSpan.FromDays(1), TimeSpan.Zero, Token)).Lock!;

    private async Task<long> ApplyAsync(StateStores stores, StackLock held, string id, ResourceState[] upserts)
    {
        var before = (await stores.State.LoadAsync("app", Token)).Serial;
        var apply = new ApplyRecord { Id = id, Stack = "app", Kind = ApplyKind.Apply, Owner = "alice", StartedAt = _clock.GetUtcNow(), SerialBefore = before };
        await stores.Applies.StartApplyAsync(apply, held.FencingToken, Token);
        var serial = upserts.Length == 0 ? before : await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [.. upserts] }, Token);
        await stores.Applies.FinishApplyAsync(apply with { FinishedAt = _clock.GetUtcNow(), Status = ApplyStatus.Succeeded, SerialAfter = serial }, held.FencingToken, Token);
        return serial;
    }

    private static ResourceState Resource(string key) => new()
    {
        Address = key,
        Type = "sim.resource",
        Provider = "sim",
        Id = "id-" + key,
        Inputs = Value.Map([new("password", Value.String("pw-" + key).AsSensitive())]),
        Attributes = Value.EmptyMap,
    };

    private static System.Collections.Immutable.ImmutableSortedDictionary<string, ResourceState> ImmutableSortedDictionaryOf(params ResourceState[] resources) =>
        System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, resources.Select(r => KeyValuePair.Create(r.Key, r)));
}
