using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Baton.State.Sqlite;
using Baton.State.Tests.Contract;
using Baton.Values;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Baton.State.Tests.Sqlite;

public sealed class SqliteStateStoreTests : StateStoreContract, IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly SqliteTestDatabase _database = new("baton-state-");

    public SqliteStateStoreTests(ITestOutputHelper output) => _output = output;

    private string DatabasePath => _database.DatabasePath;

    protected override Task<StateStores> CreateStoresAsync(TimeProvider time) => _database.OpenAsync(time);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Open_NewDatabase_UsesWalAndCurrentSchemaVersion()
    {
        await using (await CreateStoresAsync())
        {
        }

        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal((long)SqliteSchema.CurrentVersion, Scalar(connection, "SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task Open_NewerSchema_FailsClearly()
    {
        await using (await CreateStoresAsync())
        {
        }

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            Scalar(connection, "INSERT INTO schema_version (version) VALUES (99)");
        }

        var error = await Assert.ThrowsAsync<StateFileException>(() => CreateStoresAsync());
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer Baton", error.Help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_MissingFile_MakesTheStateWholeWithNothingLeftBeside()
    {
        await using (var stores = await CreateStoresAsync())
        {
            Assert.Equal(0, (await stores.State.LoadAsync("app", CancellationToken.None)).Serial);
        }

        Assert.Equal(["state.db", "state.db.lock"], Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Open_EmptyFile_FailsAndLeavesItEmpty()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllBytesAsync(DatabasePath, []);

        var error = await Assert.ThrowsAsync<StateFileException>(() => CreateStoresAsync());

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("empty (0 bytes)", error.Message, StringComparison.Ordinal);
        Assert.Contains("restore", error.Help, StringComparison.Ordinal);
        Assert.Equal(DatabasePath, error.StatePath);
        Assert.Equal(0, new FileInfo(DatabasePath).Length);
    }

    [Fact]
    public async Task Open_NotASqliteFile_FailsNamingTheFile()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllTextAsync(DatabasePath, "{\"resources\": []}\n");

        var error = await Assert.ThrowsAsync<StateFileException>(() => CreateStoresAsync());

        Assert.Contains($"{DatabasePath} is not a SQLite database", error.Message, StringComparison.Ordinal);
        Assert.Equal("{\"resources\": []}\n", await File.ReadAllTextAsync(DatabasePath));
    }

    [Fact]
    public async Task Open_TruncatedDatabase_FailsNamingTheFile()
    {
        await using (var stores = await CreateStoresAsync())
        {
            var held = await LockAsync(stores.Locks);
            await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [Resource("db")] }, CancellationToken.None);
        }

        var length = new FileInfo(DatabasePath).Length;
        await using (var file = new FileStream(DatabasePath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(length - 4096);
        }

        var error = await Assert.ThrowsAsync<StateFileException>(() => CreateStoresAsync());

        Assert.Contains($"{DatabasePath} is truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the file has {length - 4096}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_SqliteDatabaseOfAnotherSchema_FailsAndLeavesItAlone()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            Scalar(connection, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)");
        }

        var error = await Assert.ThrowsAsync<StateFileException>(() => CreateStoresAsync());

        Assert.Contains("not a Baton state: it has no schema_version table (its tables: photos)", error.Message, StringComparison.Ordinal);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            Assert.Equal("photos", Scalar(connection, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'"));
        }
    }

    [Fact]
    public async Task Open_StateMissingATableOrColumn_FailsNamingIt()
    {
        await using (await CreateStoresAsync())
        {
        }

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            Scalar(connection, "DROP TABLE journal");
        }

        var missingTable = await Assert.ThrowsAsync<StateFileException>(() => CreateStoresAsync());
        Assert.Contains("not a Baton state: it has no journal table", missingTable.Message, StringComparison.Ordinal);

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            Scalar(connection, "CREATE TABLE journal (operation_id TEXT)");
        }

        var missingColumn = await Assert.ThrowsAsync<StateFileException>(() => CreateStoresAsync());
        Assert.Contains("its journal table has no stack column", missingColumn.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WriteAheadLogWithoutItsFile_Fails()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllBytesAsync(DatabasePath + "-wal", new byte[4096]);

        var error = await Assert.ThrowsAsync<StateFileException>(() => CreateStoresAsync());

        Assert.Contains("write-ahead log", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task HoldsSealedValues_TrueOnlyOnceAValueIsSealed()
    {
        Assert.False(SqliteStores.HoldsSealedValues(DatabasePath));
        await using (var stores = await CreateStoresAsync())
        {
            var held = await LockAsync(stores.Locks);
            var lookalikes = Value.Map([new("$sensitive", Value.String("{\"$sensitive\":\"AAAA\"}")), new("note", Value.String("\"$sensitive\":\""))]);
            await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [Resource("db", inputs: lookalikes)] }, CancellationToken.None);
            Assert.False(SqliteStores.HoldsSealedValues(DatabasePath));

            await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Outputs = Value.Map([new("pw", Value.String("x").AsSensitive())]) }, CancellationToken.None);
            Assert.True(SqliteStores.HoldsSealedValues(DatabasePath));
        }
    }

    [Fact]
    public async Task HoldsSealedValues_EmptyFile_FailsLikeOpening()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllBytesAsync(DatabasePath, []);

        var error = Assert.Throws<StateFileException>(() => SqliteStores.HoldsSealedValues(DatabasePath));

        Assert.Contains("empty (0 bytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_AreNotInPlaintextAnywhereInTheDatabase()
    {
        const string Secret = "correct-horse-battery-staple-4711";
        var secret = Value.String(Secret).AsSensitive();
        await using (var stores = await CreateStoresAsync())
        {
            var held = await LockAsync(stores.Locks);
            await stores.State.CommitAsync(
                new StateChange
                {
                    Stack = "app",
                    FencingToken = held.FencingToken,
                    Intents = [Intent("op1") with { Inputs = Value.Map([new("password", secret)]) }],
                    Upserts =
                    [
                        Resource("db", inputs: Value.Map([new("password", secret), new("list", Value.List(Value.String(Secret)).AsSensitive())])) with
                        {
                            Attributes = Value.Map([new("conn", Value.Map([new("dsn", secret)]))]),
                        },
                    ],
                    Outputs = Value.Map([new("password", secret)]),
                    Events = [new StackEvent { Stack = "app", Kind = "resource.created", Message = "created", Data = Value.Map([new("password", secret)]), At = DateTimeOffset.UnixEpoch }],
                },
                CancellationToken.None);

            var state = await stores.State.LoadAsync("app", CancellationToken.None);
            Assert.Equal(Secret, state.Resources["db"].Inputs.AsMap()["password"].AsString());
        }

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            var tables = new List<string>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            Assert.Contains("resources", tables);
            var cells = 0;
            foreach (var table in tables)
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM \"{table}\"";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        cells++;
                        var text = reader.IsDBNull(i) ? string.Empty : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!;
                        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
                    }
                }
            }

            Assert.True(cells > 20);
        }

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Secret)) < 0, $"plaintext secret in {file}");
        }
    }

    [Fact]
    public async Task Load_WithWrongKey_FailsInsteadOfReturningGarbage()
    {
        await using (var stores = await CreateStoresAsync())
        {
            var held = await LockAsync(stores.Locks);
            await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Outputs = Value.Map([new("pw", Value.String("x").AsSensitive())]) }, CancellationToken.None);
        }

        using var otherKey = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32)) { KeySource = "/keys/other.key" };
        await using var reopened = await SqliteStores.OpenAsync(DatabasePath, otherKey, TimeProvider.System, CancellationToken.None);
        var error = await Assert.ThrowsAsync<StateFileException>(() => reopened.State.LoadAsync("app", CancellationToken.None));
        Assert.IsType<SecretKeyMismatchException>(error.InnerException);
        Assert.Contains($"cannot unseal the outputs of stack \"app\" in the state file {DatabasePath}", error.Message, StringComparison.Ordinal);
        Assert.Contains("different secret key than the one in /keys/other.key", error.Message, StringComparison.Ordinal);
        Assert.Contains("restore /keys/other.key from your backup", error.Help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_CorruptJsonInAResourceRow_FailsNamingTheResourceAndTheFile()
    {
        await using (var stores = await CreateStoresAsync())
        {
            var held = await LockAsync(stores.Locks);
            await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [Resource("db"), Resource("web[0]")] }, CancellationToken.None);
        }

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            Scalar(connection, "UPDATE resources SET attributes = '{\"port\": 80,' WHERE key = 'web[0]'");
        }

        await using var reopened = await CreateStoresAsync();
        var error = await Assert.ThrowsAsync<StateFileException>(() => reopened.State.LoadAsync("app", CancellationToken.None));
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
        Assert.Contains($"cannot read the attributes of resource \"web[0]\" (stack \"app\") in the state file {DatabasePath}", error.Message, StringComparison.Ordinal);
        Assert.Contains("restore", error.Help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_AlteredSealedValue_FailsAsDamageNotAsAWrongKey()
    {
        await using (var stores = await CreateStoresAsync())
        {
            var held = await LockAsync(stores.Locks);
            await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [Resource("db", inputs: Value.Map([new("pw", Value.String("x").AsSensitive())]))] }, CancellationToken.None);
        }

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            var inputs = (string)Scalar(connection, "SELECT inputs FROM resources WHERE key = 'db'")!;
            var sealedValue = inputs[(inputs.IndexOf(":\"", inputs.IndexOf("$sensitive", StringComparison.Ordinal), StringComparison.Ordinal) + 2)..inputs.LastIndexOf('"')];
            var bytes = Convert.FromBase64String(sealedValue);
            bytes[^1] ^= 1;
            Scalar(connection, $"UPDATE resources SET inputs = '{inputs.Replace(sealedValue, Convert.ToBase64String(bytes), StringComparison.Ordinal)}' WHERE key = 'db'");
        }

        await using var reopened = await CreateStoresAsync();
        var error = await Assert.ThrowsAsync<StateFileException>(() => reopened.State.LoadAsync("app", CancellationToken.None));
        Assert.IsNotType<SecretKeyMismatchException>(error.InnerException);
        Assert.Contains("cannot unseal the inputs of resource \"db\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("altered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_ThousandUpsertsAndResults_IsFast()
    {
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        var ids = Enumerable.Range(0, 1000).Select(i => $"r[{i}]").ToArray();
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Intents = [.. ids.Select(id => Intent("op-" + id, id))] }, CancellationToken.None);
        var change = new StateChange
        {
            Stack = "app",
            FencingToken = held.FencingToken,
            Results = [.. ids.Select(id => new JournalResult("op-" + id, JournalOutcome.Succeeded))],
            Upserts = [.. ids.Select(BigResource)],
        };

        var watch = Stopwatch.StartNew();
        await stores.State.CommitAsync(change, CancellationToken.None);
        watch.Stop();

        _output.WriteLine($"commit of 1,000 upserts + 1,000 results: {watch.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(1000, (await stores.State.LoadAsync("app", CancellationToken.None)).Resources.Count);
        // Generous bounds: these catch regressions by orders of magnitude on a loaded CI machine; the printed figure is the measurement.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Load_HundredThousandResources_IsFast()
    {
        const int Total = 100_000;
        await using var stores = await CreateStoresAsync();
        var held = await LockAsync(stores.Locks);
        var write = Stopwatch.StartNew();
        for (var batch = 0; batch < Total / 1000; batch++)
        {
            var upserts = Enumerable.Range(batch * 1000, 1000).Select(i => BigResource($"r[{i}]"));
            await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Upserts = [.. upserts] }, CancellationToken.None);
        }

        write.Stop();
        _ = await stores.State.LoadAsync("warm-up", CancellationToken.None);
        var watch = Stopwatch.StartNew();
        var state = await stores.State.LoadAsync("app", CancellationToken.None);
        watch.Stop();

        _output.WriteLine($"write of {Total:N0} resources in 100 commits: {write.Elapsed.TotalMilliseconds:F0} ms; load: {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(Total, state.Resources.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"load took {watch.Elapsed}");
    }

    private static ResourceState BigResource(string address) => Resource(address, "i-" + address) with
    {
        Inputs = Value.Map([new("input", Value.String(address)), new("latency", Value.String("0ms")), new("tags", Value.Map([new("env", Value.String("prod")), new("team", Value.String("infra"))]))]),
        Attributes = Value.Map([new("id", Value.String("i-" + address)), new("output", Value.String("out-" + address)), new("size", Value.Number(3))]),
    };

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
