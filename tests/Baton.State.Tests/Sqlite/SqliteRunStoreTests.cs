using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Baton.Runs;
using Baton.State.Sqlite;
using Baton.State.Tests.Contract;
using Baton.Values;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Baton.State.Tests.Sqlite;

public sealed class SqliteRunStoreTests(ITestOutputHelper output) : RunStoreContract, IDisposable
{
    private readonly SqliteTestDatabase _database = new("baton-runs-");

    private string DatabasePath => _database.DatabasePath;

    protected override Task<StateStores> OpenStoresAsync(TimeProvider time) => _database.OpenAsync(time);

    public void Dispose() => _database.Dispose();

    protected override Task DeleteDatabaseAsync() => _database.DeleteAsync();

    [Fact]
    public async Task Secrets_AreNotInPlaintextInTheDatabaseFiles()
    {
        const string Secret = "correct-horse-battery-staple-run-4711";
        var secret = Value.String(Secret).AsSensitive();
        var store = await CreateStoreAsync();
        await store.CreateRunAsync(Run("r1", inputs: Value.Map([new("password", secret), new("list", Value.List(Value.String(Secret)).AsSensitive())])), "w1", Lease, Token);
        await store.AppendAsync(
            [
                Transition("r1", "step.succeeded", Step("r1", "db", StepStatus.Succeeded) with { Outputs = Value.Map([new("dsn", Value.Map([new("password", secret)]))]) }, data: Value.Map([new("password", secret)])),
                Transition("r1", "run.succeeded", status: RunStatus.Succeeded) with { RunOutputs = Value.Map([new("password", secret)]) },
            ],
            "w1",
            Token);
        Assert.Equal(Secret, (await store.GetRunAsync("r1", Token))!.Outputs!.AsMap()["password"].AsString());
        Assert.Equal(Secret, (await store.ReadRunEventsAsync("r1", 0, 10, Token))[0].Data.AsMap()["password"].AsString());
        await CloseAsync(store);

        var files = Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Secret)) < 0, $"plaintext secret in {file}");
        }

        // The plain parts are stored as they are, so the check above is not vacuous.
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT inputs FROM runs WHERE id = 'r1'";
        var inputs = (string)command.ExecuteScalar()!;
        Assert.Contains(ValueJson.SensitiveMarker, inputs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_MovedToAnotherPlace_FailToDecrypt()
    {
        var store = await CreateStoreAsync();
        await store.CreateRunAsync(Run("r1", inputs: Value.Map([new("pw", Value.String("x").AsSensitive())])), "w1", Lease, Token);
        await store.CreateRunAsync(Run("r2"), "w1", Lease, Token);
        await store.AppendAsync([Transition("r1", "step.started", data: Value.Map([new("pw", Value.String("y").AsSensitive())])), Transition("r1", "step.started")], "w1", Token);
        await CloseAsync(store);

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText =
                """
                UPDATE runs SET inputs = (SELECT inputs FROM runs WHERE id = 'r1') WHERE id = 'r2';
                UPDATE run_events SET data = (SELECT data FROM run_events WHERE run_id = 'r1' AND seq = 1) WHERE run_id = 'r1' AND seq = 2;
                """;
            command.ExecuteNonQuery();
        }

        var reopened = await CreateStoreAsync();
        Assert.Equal("x", (await reopened.GetRunAsync("r1", Token))!.Inputs.AsMap()["pw"].AsString());
        var moved = await Assert.ThrowsAsync<StateFileException>(() => reopened.GetRunAsync("r2", Token));
        Assert.IsAssignableFrom<CryptographicException>(moved.InnerException);
        Assert.Contains("cannot unseal the inputs of run r2", moved.Message, StringComparison.Ordinal);
        var movedEvent = await Assert.ThrowsAsync<StateFileException>(() => reopened.ReadRunEventsAsync("r1", 1, 10, Token));
        Assert.IsAssignableFrom<CryptographicException>(movedEvent.InnerException);
        Assert.Contains("cannot unseal the data of event 2 of run r1", movedEvent.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_VersionOneDatabase_AddsRunTablesAndKeepsState()
    {
        var stores = await CreateStoresAsync();
        var held = (await stores.Locks.AcquireLockAsync("app", "alice", "apply", Lease, TimeSpan.Zero, Token)).Lock!;
        await stores.State.CommitAsync(new StateChange { Stack = "app", FencingToken = held.FencingToken, Outputs = Value.Map([new("x", Value.True)]), Events = [new StackEvent { Stack = "app", Kind = "apply.started", Message = "before", At = DateTimeOffset.UnixEpoch }] }, Token);
        await CloseAsync(stores.Runs);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText =
                """
                DROP TABLE run_signals; DROP TABLE run_events; DROP TABLE run_steps; DROP TABLE runs; DROP TABLE schedule_fires;
                DROP TABLE api_tokens; DROP TABLE audit; DROP TABLE webhook_deliveries; ALTER TABLE events DROP COLUMN source; DROP TABLE notifications; DROP TABLE host_facts;
                DELETE FROM schema_version WHERE version > 1;
                """;
            command.ExecuteNonQuery();
        }

        var reopened = await CreateStoresAsync();
        await reopened.Runs.CreateRunAsync(Run("r1"), "w1", Lease, Token);
        Assert.NotNull(await reopened.Runs.GetRunAsync("r1", Token));
        Assert.Equal(1, (await reopened.State.LoadAsync("app", Token)).Serial);
        Assert.Equal(EventSources.State, Assert.Single(await reopened.Events.ReadEventsAsync("app", 0, 10, Token)).Source);
        await using var check = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await check.OpenAsync();
        using var version = check.CreateCommand();
        version.CommandText = "SELECT MAX(version) FROM schema_version";
        Assert.Equal((long)SqliteSchema.CurrentVersion, version.ExecuteScalar());
    }

    [Fact]
    public async Task Append_BatchesOfHundredsOfTransitions_AreFast()
    {
        const int Runs = 200;
        const int Batches = 40;
        const int BatchSize = 250;
        var store = await CreateStoreAsync(TimeProvider.System);
        for (var r = 0; r < Runs; r++)
        {
            await store.CreateRunAsync(Run($"run-{r}"), "w1", TimeSpan.FromHours(1), Token);
        }

        var data = Value.Map([new("host", Value.String("10.0.0.1")), new("token", Value.String("t").AsSensitive())]);
        var outputs = Value.Map([new("id", Value.String("i-123")), new("port", Value.Number(8080))]);
        var watch = Stopwatch.StartNew();
        for (var batch = 0; batch < Batches; batch++)
        {
            var transitions = new List<RunTransition>(BatchSize);
            for (var i = 0; i < BatchSize; i++)
            {
                var runId = $"run-{i % Runs}";
                var step = Step(runId, $"step-{batch}-{i / Runs}", StepStatus.Succeeded) with { Outputs = outputs, CompletedOrder = batch + 1 };
                transitions.Add(Transition(runId, "step.succeeded", step, data: data));
            }

            await store.AppendAsync(transitions, "w1", Token);
        }

        watch.Stop();
        var total = Batches * BatchSize;
        var rate = total / watch.Elapsed.TotalSeconds;
        output.WriteLine($"{total:N0} transitions in {Batches} batches of {BatchSize}: {watch.Elapsed.TotalMilliseconds:F0} ms, {rate:N0} transitions/s");
        Assert.Equal(total, (await store.ListRunsAsync(new RunQuery { Limit = Runs }, Token)).Sum(r => r.EventCount));

        // Generous bound: catches a regression by an order of magnitude on a loaded machine; the printed figure is the measurement.
        Assert.True(rate > 1000, $"only {rate:N0} transitions/s");
    }

    [Fact]
    public async Task Append_ManySmallConcurrentCalls_AreGroupCommitted()
    {
        const int Writers = 32;
        const int AppendsEach = 25;
        var store = await CreateStoreAsync(TimeProvider.System);
        for (var r = 0; r < Writers; r++)
        {
            await store.CreateRunAsync(Run($"run-{r}"), "w1", TimeSpan.FromHours(1), Token);
        }

        var watch = Stopwatch.StartNew();
        await OnThreadsAsync(Writers, AppendsEach, async (r, i) =>
        {
            await store.AppendAsync([Transition($"run-{r}", "step.started", Step($"run-{r}", $"s{i}")), Transition($"run-{r}", "step.succeeded", Step($"run-{r}", $"s{i}", StepStatus.Succeeded))], "w1", Token);
            return true;
        });
        watch.Stop();

        var calls = Writers * AppendsEach;
        var transactions = ((SqliteRunStore)store).AppendTransactions;
        output.WriteLine($"{calls:N0} concurrent calls of 2 transitions from {Writers} threads: {watch.Elapsed.TotalMilliseconds:F0} ms, {calls / watch.Elapsed.TotalSeconds:N0} calls/s, {transactions:N0} transactions");
        Assert.Equal(calls * 2, (await store.ListRunsAsync(new RunQuery { Limit = Writers }, Token)).Sum(r => r.EventCount));
        Assert.True(transactions < calls, $"{transactions} transactions for {calls} calls: nothing was grouped");
    }
}
