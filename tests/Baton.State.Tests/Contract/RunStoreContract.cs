using Baton.Runs;
using Baton.Values;
using Microsoft.Extensions.Time.Testing;

namespace Baton.State.Tests.Contract;

/// <summary>
/// What every <see cref="IRunStore"/> must do. A store's test class derives from this and opens stores on one
/// database per test: every <see cref="OpenStoresAsync(TimeProvider)"/> call in a test sees the same data, as separate
/// processes sharing it would. Stores opened are disposed after the test.
/// </summary>
public abstract class RunStoreContract : IAsyncLifetime
{
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<StateStores> _opened = [];

    protected static CancellationToken Token => CancellationToken.None;

    /// <summary>Opens the stores on this test's database, with <paramref name="time"/> as their clock.</summary>
    protected abstract Task<StateStores> OpenStoresAsync(TimeProvider time);

    /// <summary>Removes this test's database, after every store opened on it was disposed.</summary>
    protected abstract Task DeleteDatabaseAsync();

    /// <summary>Opens the stores on this test's database; they are disposed after the test unless closed before.</summary>
    protected async Task<StateStores> CreateStoresAsync(TimeProvider? time = null)
    {
        var stores = await OpenStoresAsync(time ?? NewClock());
        _opened.Add(stores);
        return stores;
    }

    /// <summary>Opens a run store on this test's database; it is disposed after the test unless closed before.</summary>
    protected async Task<IRunStore> CreateStoreAsync(TimeProvider? time = null) => (await CreateStoresAsync(time)).Runs;

    /// <summary>Closes a store (and the others opened with it) as a process exiting would.</summary>
    protected Task CloseAsync(IRunStore store) => _opened.First(s => s.Runs == store).DisposeAsync().AsTask();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var stores in _opened)
        {
            await stores.DisposeAsync();
        }

        await DeleteDatabaseAsync();
    }

    protected static FakeTimeProvider NewClock() => new(T0);

    /// <summary>
    /// Makes <paramref name="callsEach"/> calls on each of <paramref name="threads"/> dedicated threads released
    /// together, each thread waiting for one call before the next, so calls really overlap (on the thread pool, calls
    /// that complete synchronously would run one after another). Returns each thread's results.
    /// </summary>
    protected static async Task<T[][]> OnThreadsAsync<T>(int threads, int callsEach, Func<int, int, Task<T>> call)
    {
        using var start = new Barrier(threads);
        var running = Enumerable.Range(0, threads).Select(thread => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(Token);
                var results = new T[callsEach];
                for (var i = 0; i < callsEach; i++)
                {
                    results[i] = call(thread, i).GetAwaiter().GetResult();
                }

                return results;
            },
            Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        return await Task.WhenAll(running);
    }

    protected static RunRecord Run(string id, string stack = "app", string workflow = "deploy", DateTimeOffset? createdAt = null, Value? inputs = null) => new()
    {
        Id = id,
        Stack = stack,
        Workflow = workflow,
        Inputs = inputs ?? Value.Map([new("version", Value.String("1.2.3")), new("replicas", Value.Number(3))]),
        Trigger = "manual",
        Definition = """{"workflows.yaml":"deploy: {}"}""",
        CreatedAt = createdAt ?? T0,
    };

    protected static RunTransition Transition(string runId, string kind, StepRecord? step = null, RunStatus? status = null, Value? data = null, DateTimeOffset? at = null) => new()
    {
        Event = new RunEvent { RunId = runId, Kind = kind, Step = step?.Key, Attempt = step?.Attempt ?? 0, Data = data ?? Value.EmptyMap, At = at ?? T0 },
        Step = step,
        RunStatus = status,
    };

    protected static StepRecord Step(string runId, string key, StepStatus status = StepStatus.Running, int attempt = 1) => new()
    {
        RunId = runId,
        Key = key,
        Status = status,
        Attempt = attempt,
        StartedAt = T0,
    };

    private async Task<IRunStore> CreateWithRunsAsync(FakeTimeProvider clock, string owner, params string[] runIds)
    {
        var store = await CreateStoreAsync(clock);
        foreach (var runId in runIds)
        {
            await store.CreateRunAsync(Run(runId), owner, Lease, Token);
        }

        return store;
    }

    [Fact]
    public async Task GetRun_Unknown_IsNull()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.GetRunAsync("nope", Token));
        Assert.Empty(await store.GetStepsAsync("nope", Token));
        Assert.Empty(await store.ReadRunEventsAsync("nope", 0, 10, Token));
        Assert.Empty(await store.ReadSignalsAsync("nope", 0, Token));
    }

    [Fact]
    public async Task CreateRun_RoundTripsEveryFieldWithOwnerAndLease()
    {
        var clock = NewClock();
        var store = await CreateStoreAsync(clock);
        var inputs = Value.Map(
        [
            new("password", Value.String("p@ss-ünïcødé-😀").AsSensitive()),
            new("$sensitive", Value.String("not a marker")),
            new("名前", Value.String("値 \u2028 \"quoted\"")),
            new("nested", Value.Map([new("list", Value.List(Value.Number(1e300), Value.Number(0.1), Value.Null, Value.True))]).AsSensitive()),
        ]);
        var run = Run("run-ü-1", inputs: inputs) with { ParentRunId = "parent", ParentStep = "deploy[\"eu\"]", Trigger = "workflow", Definition = "{\"x\":\"ÿ😀\"}" };

        await store.CreateRunAsync(run, "worker-1", Lease, Token);

        var stored = await store.GetRunAsync(run.Id, Token);
        Assert.NotNull(stored);
        ValueAssert.Identical(inputs, stored.Inputs);
        Assert.Equal(run with { Inputs = stored.Inputs, UpdatedAt = T0, Owner = "worker-1", LeaseExpiresAt = T0 + Lease }, stored);
        Assert.Equal(RunStatus.Pending, stored.Status);
        Assert.Equal(0, stored.EventCount);
        Assert.Null(stored.FinishedAt);
        Assert.Empty(await store.GetStepsAsync(run.Id, Token));
        Assert.Empty(await store.ReadRunEventsAsync(run.Id, 0, 10, Token));
    }

    [Fact]
    public async Task CreateRun_DuplicateId_Throws()
    {
        var store = await CreateStoreAsync();
        await store.CreateRunAsync(Run("r1"), "w1", Lease, Token);
        await Assert.ThrowsAnyAsync<Exception>(() => store.CreateRunAsync(Run("r1"), "w2", Lease, Token));
        Assert.Equal("w1", (await store.GetRunAsync("r1", Token))!.Owner);
    }

    [Fact]
    public async Task Append_BatchMixingRuns_AssignsSequenceNumbersPerRunInOrder()
    {
        var clock = NewClock();
        var store = await CreateWithRunsAsync(clock, "w1", "a", "b");
        var secret = Value.Map([new("token", Value.String("s3cr3t").AsSensitive()), new("n", Value.Number(7))]);
        await store.AppendAsync(
        [
            Transition("a", "run.started", status: RunStatus.Running, at: T0.AddSeconds(1)),
            Transition("b", "run.started", status: RunStatus.Running, at: T0.AddSeconds(2)),
            Transition("a", "step.started", Step("a", "build"), data: secret, at: T0.AddSeconds(3)),
            Transition("a", "step.started", Step("a", "test"), at: T0.AddSeconds(4)),
            Transition("b", "step.started", Step("b", "build"), at: T0.AddSeconds(5)),
        ], "w1", Token);
        await store.AppendAsync([Transition("b", "step.succeeded", Step("b", "build", StepStatus.Succeeded), at: T0.AddSeconds(6)), Transition("a", "step.failed", at: T0.AddSeconds(7))], "w1", Token);

        var a = await store.ReadRunEventsAsync("a", 0, 100, Token);
        var b = await store.ReadRunEventsAsync("b", 0, 100, Token);
        Assert.Equal([1L, 2, 3, 4], a.Select(e => e.Seq));
        Assert.Equal(["run.started", "step.started", "step.started", "step.failed"], a.Select(e => e.Kind));
        Assert.Equal([1L, 2, 3], b.Select(e => e.Seq));
        Assert.Equal(["run.started", "step.started", "step.succeeded"], b.Select(e => e.Kind));
        Assert.All(a, e => Assert.Equal("a", e.RunId));
        Assert.Equal("build", a[1].Step);
        Assert.Equal(1, a[1].Attempt);
        Assert.Equal(T0.AddSeconds(3), a[1].At);
        ValueAssert.Identical(secret, a[1].Data);
        ValueAssert.Identical(Value.EmptyMap, a[0].Data);
        Assert.Equal(4, (await store.GetRunAsync("a", Token))!.EventCount);
        Assert.Equal(3, (await store.GetRunAsync("b", Token))!.EventCount);
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync("a", Token))!.Status);
        Assert.Equal(T0.AddSeconds(7), (await store.GetRunAsync("a", Token))!.UpdatedAt);
        Assert.Equal([3L, 4], (await store.ReadRunEventsAsync("a", 2, 100, Token)).Select(e => e.Seq));
        Assert.Equal([2L], (await store.ReadRunEventsAsync("a", 1, 1, Token)).Select(e => e.Seq));
    }

    [Fact]
    public async Task Append_Steps_AreUpsertedAndKeepFirstInsertionOrder()
    {
        var store = await CreateWithRunsAsync(NewClock(), "w1", "r1");
        var outputs = Value.Map([new("url", Value.String("https://x")), new("key", Value.String("k").AsSensitive())]);
        await store.AppendAsync([Transition("r1", "step.started", Step("r1", "zeta")), Transition("r1", "step.started", Step("r1", "alpha"))], "w1", Token);
        await store.AppendAsync([Transition("r1", "step.started", Step("r1", "mid[\"k ü\"]"))], "w1", Token);
        var done = Step("r1", "zeta", StepStatus.Succeeded, attempt: 2) with
        {
            Outputs = outputs,
            FinishedAt = T0.AddMinutes(1),
            CompletedOrder = 1,
        };
        var retry = Step("r1", "alpha", StepStatus.RetryScheduled) with { Error = "boom", DueAt = T0.AddMinutes(5) };
        await store.AppendAsync([Transition("r1", "step.succeeded", done), Transition("r1", "step.retry_scheduled", retry)], "w1", Token);

        var steps = await store.GetStepsAsync("r1", Token);
        Assert.Equal(["zeta", "alpha", "mid[\"k ü\"]"], steps.Select(s => s.Key));
        ValueAssert.Identical(outputs, steps[0].Outputs!);
        Assert.Equal(done with { Outputs = steps[0].Outputs }, steps[0]);
        Assert.Equal(retry, steps[1]);
        Assert.Null(steps[2].Outputs);
        Assert.Equal(5, (await store.GetRunAsync("r1", Token))!.EventCount);
    }

    [Fact]
    public async Task Append_StepOfAnotherRun_IsRefused()
    {
        var store = await CreateWithRunsAsync(NewClock(), "w1", "r1", "r2");
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync([Transition("r1", "step.started", Step("r2", "x"))], "w1", Token));
        Assert.Equal(0, (await store.GetRunAsync("r1", Token))!.EventCount);
    }

    [Fact]
    public async Task Append_OneRunNotHeld_ThrowsAndWritesNothing()
    {
        var store = await CreateWithRunsAsync(NewClock(), "w1", "mine");
        await store.CreateRunAsync(Run("theirs"), "w2", Lease, Token);
        await store.AppendAsync([Transition("mine", "run.started", status: RunStatus.Running)], "w1", Token);

        await Assert.ThrowsAsync<RunLeaseLostException>(() => store.AppendAsync(
            [
                Transition("mine", "step.started", Step("mine", "a")),
                Transition("theirs", "step.started", Step("theirs", "a"), status: RunStatus.Running),
            ],
            "w1",
            Token));
        await Assert.ThrowsAsync<RunLeaseLostException>(() => store.AppendAsync([Transition("unknown", "run.started")], "w1", Token));

        var mine = await store.GetRunAsync("mine", Token);
        var theirs = await store.GetRunAsync("theirs", Token);
        Assert.Equal(1, mine!.EventCount);
        Assert.Equal(0, theirs!.EventCount);
        Assert.Equal(RunStatus.Pending, theirs.Status);
        Assert.Single(await store.ReadRunEventsAsync("mine", 0, 10, Token));
        Assert.Empty(await store.GetStepsAsync("mine", Token));
        Assert.Empty(await store.GetStepsAsync("theirs", Token));
    }

    [Fact]
    public async Task Append_AfterLeaseExpired_ThrowsAndAnotherOwnerCanClaim()
    {
        var clock = NewClock();
        var store = await CreateWithRunsAsync(clock, "w1", "r1");
        Assert.False(await store.TryClaimRunAsync("r1", "w2", Lease, Token));
        clock.Advance(Lease - TimeSpan.FromSeconds(1));
        await store.AppendAsync([Transition("r1", "run.started", status: RunStatus.Running)], "w1", Token);
        clock.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<RunLeaseLostException>(() => store.AppendAsync([Transition("r1", "step.started", Step("r1", "a"))], "w1", Token));
        Assert.True(await store.TryClaimRunAsync("r1", "w2", Lease, Token));
        await Assert.ThrowsAsync<RunLeaseLostException>(() => store.AppendAsync([Transition("r1", "step.started", Step("r1", "a"))], "w1", Token));
        await store.AppendAsync([Transition("r1", "step.started", Step("r1", "a"))], "w2", Token);

        var run = await store.GetRunAsync("r1", Token);
        Assert.Equal("w2", run!.Owner);
        Assert.Equal(clock.GetUtcNow() + Lease, run.LeaseExpiresAt);
        Assert.Equal(2, run.EventCount);
        Assert.Equal(["run.started", "step.started"], (await store.ReadRunEventsAsync("r1", 0, 10, Token)).Select(e => e.Kind));
    }

    [Fact]
    public async Task TryClaim_OwnerAlreadyHolding_ExtendsLease()
    {
        var clock = NewClock();
        var store = await CreateWithRunsAsync(clock, "w1", "r1");
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await store.TryClaimRunAsync("r1", "w1", Lease, Token));
        Assert.Equal(clock.GetUtcNow() + Lease, (await store.GetRunAsync("r1", Token))!.LeaseExpiresAt);
        Assert.False(await store.TryClaimRunAsync("unknown", "w1", Lease, Token));
    }

    [Fact]
    public async Task TryClaim_ManyAtOnceByTwoOwners_EachRunGoesToExactlyOne()
    {
        var clock = NewClock();
        var ids = Enumerable.Range(0, 40).Select(i => $"r{i}").ToArray();
        var store = await CreateWithRunsAsync(clock, "w0", ids);
        var other = await CreateStoreAsync(clock);
        foreach (var id in ids)
        {
            await store.ReleaseRunAsync(id, "w0", Token);
        }

        var claims = ids.SelectMany(id => new[]
        {
            (Id: id, Owner: "w1", Task: Task.Run(() => store.TryClaimRunAsync(id, "w1", Lease, Token))),
            (Id: id, Owner: "w2", Task: Task.Run(() => other.TryClaimRunAsync(id, "w2", Lease, Token))),
        }).ToList();
        await Task.WhenAll(claims.Select(c => c.Task));

        foreach (var id in ids)
        {
            var winners = claims.Where(c => c.Id == id && c.Task.Result).Select(c => c.Owner).ToList();
            Assert.Single(winners);
            Assert.Equal(winners[0], (await store.GetRunAsync(id, Token))!.Owner);
        }

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await store.ReleaseRunAsync("r0", (await store.GetRunAsync("r0", Token))!.Owner!, Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TryClaimRunAsync("r0", "w3", Lease, cancelled.Token));
        Assert.Null((await store.GetRunAsync("r0", Token))!.Owner);
    }

    [Fact]
    public async Task Renew_ReturnsTheIdsNoLongerHeld()
    {
        var clock = NewClock();
        var store = await CreateWithRunsAsync(clock, "w1", "kept", "taken", "released");
        await store.CreateRunAsync(Run("late") with { CreatedAt = T0 }, "w1", TimeSpan.FromSeconds(10), Token);
        clock.Advance(TimeSpan.FromSeconds(20));
        await store.ReleaseRunAsync("released", "w1", Token);
        Assert.True(await store.TryClaimRunAsync("released", "w2", Lease, Token));
        Assert.True(await store.TryClaimRunAsync("taken", "w1", Lease, Token));
        await store.ReleaseRunAsync("taken", "w1", Token);
        Assert.True(await store.TryClaimRunAsync("taken", "w3", Lease, Token));

        var lost = await store.RenewLeasesAsync("w1", ["kept", "taken", "released", "late", "unknown"], Lease, Token);

        Assert.Equal(["taken", "released", "late", "unknown"], lost);
        Assert.Equal(clock.GetUtcNow() + Lease, (await store.GetRunAsync("kept", Token))!.LeaseExpiresAt);
        Assert.Equal("w3", (await store.GetRunAsync("taken", Token))!.Owner);
        Assert.Empty(await store.RenewLeasesAsync("w1", [], Lease, Token));
        clock.Advance(Lease - TimeSpan.FromSeconds(1));
        await store.AppendAsync([Transition("kept", "run.started")], "w1", Token);
    }

    [Fact]
    public async Task Release_ByOwnerFreesRun_ByOtherDoesNothing()
    {
        var store = await CreateWithRunsAsync(NewClock(), "w1", "r1");
        await store.ReleaseRunAsync("r1", "w2", Token);
        Assert.Equal("w1", (await store.GetRunAsync("r1", Token))!.Owner);

        await store.ReleaseRunAsync("r1", "w1", Token);
        var run = await store.GetRunAsync("r1", Token);
        Assert.Null(run!.Owner);
        Assert.Null(run.LeaseExpiresAt);
        await Assert.ThrowsAsync<RunLeaseLostException>(() => store.AppendAsync([Transition("r1", "run.started")], "w1", Token));
        Assert.True(await store.TryClaimRunAsync("r1", "w2", Lease, Token));
        await store.ReleaseRunAsync("unknown", "w1", Token);
    }

    [Theory]
    [InlineData(RunStatus.Succeeded)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public async Task Append_FinalStatus_SetsFinishedAtAndClearsLease(RunStatus final)
    {
        var store = await CreateWithRunsAsync(NewClock(), "w1", "r1");
        var outputs = Value.Map([new("url", Value.String("https://done")), new("secret", Value.String("x").AsSensitive())]);
        await store.AppendAsync([Transition("r1", "run.started", status: RunStatus.Running, at: T0.AddSeconds(1))], "w1", Token);
        Assert.Null((await store.GetRunAsync("r1", Token))!.FinishedAt);

        await store.AppendAsync(
            [
                Transition("r1", "step.succeeded", Step("r1", "a", StepStatus.Succeeded), at: T0.AddSeconds(2)),
                Transition("r1", "run." + final.ToString().ToLowerInvariant(), status: final, at: T0.AddSeconds(3)) with { RunOutputs = outputs, RunError = final == RunStatus.Succeeded ? null : "why" },
            ],
            "w1",
            Token);

        var run = await store.GetRunAsync("r1", Token);
        Assert.Equal(final, run!.Status);
        Assert.True(run.IsFinished);
        Assert.Equal(T0.AddSeconds(3), run.FinishedAt);
        Assert.Equal(T0.AddSeconds(3), run.UpdatedAt);
        Assert.Null(run.Owner);
        Assert.Null(run.LeaseExpiresAt);
        Assert.Equal(final == RunStatus.Succeeded ? null : "why", run.Error);
        ValueAssert.Identical(outputs, run.Outputs!);
        Assert.Equal(3, run.EventCount);
        Assert.False(await store.TryClaimRunAsync("r1", "w1", Lease, Token));
        await Assert.ThrowsAsync<RunLeaseLostException>(() => store.AppendAsync([Transition("r1", "step.started")], "w1", Token));
    }

    [Fact]
    public async Task Append_StatusWithoutOutputs_KeepsEarlierOutputsAndError()
    {
        var store = await CreateWithRunsAsync(NewClock(), "w1", "r1");
        await store.AppendAsync([Transition("r1", "run.started", status: RunStatus.Running) with { RunError = "first" }], "w1", Token);
        await store.AppendAsync([Transition("r1", "run.compensating", status: RunStatus.Compensating)], "w1", Token);
        var run = await store.GetRunAsync("r1", Token);
        Assert.Equal(RunStatus.Compensating, run!.Status);
        Assert.Equal("first", run.Error);
        Assert.Null(run.Outputs);
        Assert.Equal("w1", run.Owner);
    }

    [Fact]
    public async Task List_FiltersAndOrdersNewestFirst()
    {
        var store = await CreateStoreAsync();
        await store.CreateRunAsync(Run("r1", "app", "deploy", T0), "w", Lease, Token);
        await store.CreateRunAsync(Run("r2", "app", "backup", T0.AddMinutes(1)), "w", Lease, Token);
        await store.CreateRunAsync(Run("r3", "web", "deploy", T0.AddMinutes(2)), "w", Lease, Token);
        await store.CreateRunAsync(Run("r4b", "app", "deploy", T0.AddMinutes(3)), "w", Lease, Token);
        await store.CreateRunAsync(Run("r4a", "app", "deploy", T0.AddMinutes(3)), "w", Lease, Token);
        await store.AppendAsync([Transition("r1", "run.succeeded", status: RunStatus.Succeeded), Transition("r3", "run.started", status: RunStatus.Running)], "w", Token);
        await store.AppendAsync([Transition("r2", "run.failed", status: RunStatus.Failed)], "w", Token);

        async Task<IEnumerable<string>> Ids(RunQuery query) => (await store.ListRunsAsync(query, Token)).Select(r => r.Id);

        Assert.Equal(["r4b", "r4a", "r3", "r2", "r1"], await Ids(new RunQuery()));
        Assert.Equal(["r4b", "r4a", "r2", "r1"], await Ids(new RunQuery { Stack = "app" }));
        Assert.Equal(["r4b", "r4a", "r1"], await Ids(new RunQuery { Stack = "app", Workflow = "deploy" }));
        Assert.Equal(["r4b", "r4a", "r3", "r1"], await Ids(new RunQuery { Workflow = "deploy" }));
        Assert.Equal(["r4b", "r4a", "r3"], await Ids(new RunQuery { UnfinishedOnly = true }));
        Assert.Equal(["r3"], await Ids(new RunQuery { Status = RunStatus.Running }));
        Assert.Equal(["r4b", "r4a"], await Ids(new RunQuery { Status = RunStatus.Pending, Stack = "app" }));
        Assert.Equal(["r2"], await Ids(new RunQuery { Status = RunStatus.Failed }));
        Assert.Empty(await Ids(new RunQuery { Status = RunStatus.Cancelled }));
        Assert.Equal(["r4b", "r4a"], await Ids(new RunQuery { Limit = 2 }));
        Assert.Equal(["r1"], await Ids(new RunQuery { Stack = "app", Workflow = "deploy", Status = RunStatus.Succeeded, Limit = 1 }));
        Assert.Empty(await Ids(new RunQuery { Stack = "app", UnfinishedOnly = true, Status = RunStatus.Succeeded }));

        var listed = (await store.ListRunsAsync(new RunQuery { Status = RunStatus.Succeeded }, Token)).Single();
        Assert.Equal((await store.GetRunAsync("r1", Token))! with { Inputs = listed.Inputs }, listed);
    }

    [Fact]
    public async Task Signals_AreOrderedAndReadAfterAnId()
    {
        var store = await CreateWithRunsAsync(NewClock(), "w1", "r1", "r2");
        var first = await store.AddSignalAsync(new RunSignal { RunId = "r1", Kind = RunSignalKind.Approve, Step = "gate", By = "alice", Comment = "lgtm ✓", At = T0 }, Token);
        var other = await store.AddSignalAsync(new RunSignal { RunId = "r2", Kind = RunSignalKind.Cancel, By = "bob", At = T0.AddSeconds(1) }, Token);
        var second = await store.AddSignalAsync(new RunSignal { RunId = "r1", Kind = RunSignalKind.Reject, Step = "gate", By = "carol", At = T0.AddSeconds(2) }, Token);
        var third = await store.AddSignalAsync(new RunSignal { RunId = "r1", Kind = RunSignalKind.Cancel, By = "dave", At = T0.AddSeconds(3) }, Token);
        Assert.True(first < other && other < second && second < third);

        var all = await store.ReadSignalsAsync("r1", 0, Token);
        Assert.Equal([first, second, third], all.Select(s => s.Id));
        Assert.Equal(new RunSignal { Id = first, RunId = "r1", Kind = RunSignalKind.Approve, Step = "gate", By = "alice", Comment = "lgtm ✓", At = T0 }, all[0]);
        Assert.Equal([RunSignalKind.Approve, RunSignalKind.Reject, RunSignalKind.Cancel], all.Select(s => s.Kind));
        Assert.Equal([third], (await store.ReadSignalsAsync("r1", second, Token)).Select(s => s.Id));
        Assert.Empty(await store.ReadSignalsAsync("r1", third, Token));
        Assert.Equal([other], (await store.ReadSignalsAsync("r2", 0, Token)).Select(s => s.Id));
        await Assert.ThrowsAnyAsync<Exception>(() => store.AddSignalAsync(new RunSignal { RunId = "unknown", Kind = RunSignalKind.Cancel, By = "x", At = T0 }, Token));
    }

    [Fact]
    public async Task ScheduleFire_RecordedOnceAndLatestReturned()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.LastScheduleFireAsync("app", "nightly", Token));
        Assert.True(await store.TryRecordScheduleFireAsync("app", "nightly", T0, "r1", Token));
        Assert.False(await store.TryRecordScheduleFireAsync("app", "nightly", T0, "r2", Token));
        Assert.True(await store.TryRecordScheduleFireAsync("app", "nightly", T0.AddDays(1), "r3", Token));
        Assert.True(await store.TryRecordScheduleFireAsync("app", "hourly", T0.AddDays(5), "r4", Token));
        Assert.True(await store.TryRecordScheduleFireAsync("web", "nightly", T0.AddDays(5), "r5", Token));
        Assert.True(await store.TryRecordScheduleFireAsync("app", "nightly", T0.AddHours(1), "r6", Token));

        Assert.Equal(T0.AddDays(1), await store.LastScheduleFireAsync("app", "nightly", Token));
        Assert.Equal(T0.AddDays(5), await store.LastScheduleFireAsync("app", "hourly", Token));
        Assert.Null(await store.LastScheduleFireAsync("app", "weekly", Token));
    }

    [Fact]
    public async Task ScheduleFire_RacingSchedulers_ExactlyOneWins()
    {
        var stores = new List<IRunStore>();
        for (var i = 0; i < 4; i++)
        {
            stores.Add(await CreateStoreAsync());
        }

        for (var round = 0; round < 5; round++)
        {
            var fireTime = T0.AddMinutes(round);
            var results = await OnThreadsAsync(8, 1, (thread, _) => stores[thread % stores.Count].TryRecordScheduleFireAsync("app", "nightly", fireTime, $"run-{round}-{thread}", Token));
            Assert.Equal(1, results.Count(won => won[0]));
        }

        Assert.Equal(T0.AddMinutes(4), await stores[0].LastScheduleFireAsync("app", "nightly", Token));
    }

    [Fact]
    public async Task Append_ManyConcurrentWritersOnDifferentRuns_AllLand()
    {
        const int Runs = 16;
        const int AppendsEach = 20;
        var first = await CreateStoreAsync();
        var second = await CreateStoreAsync();
        for (var r = 0; r < Runs; r++)
        {
            await first.CreateRunAsync(Run($"run-{r}"), $"w{r % 2}", TimeSpan.FromHours(1), Token);
        }

        await OnThreadsAsync(Runs, AppendsEach, async (r, i) =>
        {
            var store = r % 2 == 0 ? first : second;
            await store.AppendAsync(
                [
                    Transition($"run-{r}", "step.started", Step($"run-{r}", $"s{i}")),
                    Transition($"run-{r}", "step.succeeded", Step($"run-{r}", $"s{i}", StepStatus.Succeeded) with { CompletedOrder = i + 1 }),
                ],
                $"w{r % 2}",
                Token);
            return true;
        });

        for (var r = 0; r < Runs; r++)
        {
            var events = await first.ReadRunEventsAsync($"run-{r}", 0, 1000, Token);
            Assert.Equal(Enumerable.Range(1, AppendsEach * 2).Select(i => (long)i), events.Select(e => e.Seq));
            var steps = await second.GetStepsAsync($"run-{r}", Token);
            Assert.Equal(Enumerable.Range(0, AppendsEach).Select(i => $"s{i}"), steps.Select(s => s.Key));
            Assert.All(steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
            Assert.Equal(AppendsEach * 2, (await second.GetRunAsync($"run-{r}", Token))!.EventCount);
        }
    }

    [Fact]
    public async Task Append_ConcurrentCallsOneLosingItsLease_OnlyThatOneFails()
    {
        const int Runs = 12;
        var store = await CreateStoreAsync();
        for (var r = 0; r < Runs; r++)
        {
            await store.CreateRunAsync(Run($"run-{r}"), "w1", Lease, Token);
        }

        await store.CreateRunAsync(Run("theirs"), "w2", Lease, Token);
        var lost = await OnThreadsAsync(Runs, 5, async (r, i) =>
        {
            var runIds = r % 4 == 0 && i == 2 ? new[] { $"run-{r}", "theirs" } : [$"run-{r}"];
            try
            {
                await store.AppendAsync([.. runIds.Select(id => Transition(id, "step.started", Step(id, $"s{i}")))], "w1", Token);
                return false;
            }
            catch (RunLeaseLostException)
            {
                return true;
            }
        });

        Assert.Equal(Runs / 4, lost.Sum(thread => thread.Count(wasLost => wasLost)));
        Assert.All(Enumerable.Range(0, Runs), r => Assert.Equal(r % 4 == 0, lost[r][2]));

        for (var r = 0; r < Runs; r++)
        {
            var expected = r % 4 == 0 ? 4 : 5;
            Assert.Equal(expected, (await store.GetRunAsync($"run-{r}", Token))!.EventCount);
            Assert.Equal(Enumerable.Range(1, expected).Select(i => (long)i), (await store.ReadRunEventsAsync($"run-{r}", 0, 100, Token)).Select(e => e.Seq));
            Assert.Equal(expected, (await store.GetStepsAsync($"run-{r}", Token)).Count);
        }

        Assert.Equal(0, (await store.GetRunAsync("theirs", Token))!.EventCount);
    }

    [Fact]
    public async Task Append_UnknownValue_IsRefusedAndWritesNothing()
    {
        var store = await CreateWithRunsAsync(NewClock(), "w1", "r1");
        var unknown = Value.Map([new("id", Value.UnknownAny)]);
        await Assert.ThrowsAnyAsync<Exception>(() => store.AppendAsync(
            [Transition("r1", "step.started", Step("r1", "a")), Transition("r1", "step.succeeded", Step("r1", "a", StepStatus.Succeeded) with { Outputs = unknown })],
            "w1",
            Token));
        await Assert.ThrowsAnyAsync<Exception>(() => store.AppendAsync([Transition("r1", "run.started", data: unknown)], "w1", Token));

        Assert.Equal(0, (await store.GetRunAsync("r1", Token))!.EventCount);
        Assert.Empty(await store.GetStepsAsync("r1", Token));
        Assert.Empty(await store.ReadRunEventsAsync("r1", 0, 10, Token));
    }

    [Fact]
    public async Task Append_Cancelled_ThrowsAndWritesNothing()
    {
        var store = await CreateWithRunsAsync(NewClock(), "w1", "r1");
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendAsync([Transition("r1", "run.started")], "w1", cancel.Token));
        await store.AppendAsync([Transition("r1", "step.started")], "w1", Token);
        Assert.Equal(["step.started"], (await store.ReadRunEventsAsync("r1", 0, 10, Token)).Select(e => e.Kind));
    }

    [Fact]
    public async Task Claim_FromSecondStoreOnSameData_SeesHolder()
    {
        var clock = NewClock();
        var first = await CreateWithRunsAsync(clock, "w1", "r1");
        var second = await CreateStoreAsync(clock);
        Assert.False(await second.TryClaimRunAsync("r1", "w2", Lease, Token));
        clock.Advance(Lease);
        Assert.True(await second.TryClaimRunAsync("r1", "w2", Lease, Token));
        await Assert.ThrowsAsync<RunLeaseLostException>(() => first.AppendAsync([Transition("r1", "run.started")], "w1", Token));
    }

    [Fact]
    public async Task Reopen_AfterClose_KeepsEverything()
    {
        var clock = NewClock();
        var secret = Value.Map([new("password", Value.String("hunter2").AsSensitive())]);
        var store = await CreateWithRunsAsync(clock, "w1", "r1");
        await store.AppendAsync(
            [
                Transition("r1", "run.started", status: RunStatus.Running),
                Transition("r1", "step.succeeded", Step("r1", "db", StepStatus.Succeeded) with { Outputs = secret, CompletedOrder = 1 }, data: secret),
            ],
            "w1",
            Token);
        var signal = await store.AddSignalAsync(new RunSignal { RunId = "r1", Kind = RunSignalKind.Cancel, By = "alice", At = T0 }, Token);
        Assert.True(await store.TryRecordScheduleFireAsync("app", "deploy", T0, "r1", Token));
        var before = await store.GetRunAsync("r1", Token);
        await CloseAsync(store);

        var reopened = await CreateStoreAsync(clock);
        var after = await reopened.GetRunAsync("r1", Token);
        Assert.Equal(before! with { Inputs = after!.Inputs }, after);
        ValueAssert.Identical(before.Inputs, after.Inputs);
        var steps = await reopened.GetStepsAsync("r1", Token);
        ValueAssert.Identical(secret, Assert.Single(steps).Outputs!);
        var events = await reopened.ReadRunEventsAsync("r1", 0, 10, Token);
        Assert.Equal(2, events.Count);
        ValueAssert.Identical(secret, events[1].Data);
        Assert.Equal([signal], (await reopened.ReadSignalsAsync("r1", 0, Token)).Select(s => s.Id));
        Assert.False(await reopened.TryRecordScheduleFireAsync("app", "deploy", T0, "r2", Token));
        Assert.Equal(T0, await reopened.LastScheduleFireAsync("app", "deploy", Token));
        await reopened.AppendAsync([Transition("r1", "run.succeeded", status: RunStatus.Succeeded)], "w1", Token);
        Assert.Equal(3, (await reopened.GetRunAsync("r1", Token))!.EventCount);
    }

    [Fact]
    public async Task ReadRunFeed_EventsOfManyRuns_InStoredOrderWithIncreasingPositionsAndWorkflows()
    {
        var store = await CreateStoreAsync();
        await store.CreateRunAsync(Run("r1", workflow: "deploy"), "w1", Lease, Token);
        await store.CreateRunAsync(Run("r2", workflow: "backup"), "w1", Lease, Token);
        await store.AppendAsync([Transition("r1", "run.started", status: RunStatus.Running), Transition("r2", "run.started", status: RunStatus.Running)], "w1", Token);
        await store.AppendAsync([Transition("r2", "step.started", Step("r2", "dump"))], "w1", Token);
        await store.AppendAsync([Transition("r1", "step.started", Step("r1", "db"), data: Value.Map([new("n", Value.Number(1))]))], "w1", Token);

        var feed = await store.ReadRunFeedAsync("app", 0, 100, Token);

        Assert.Equal(["r1:run.started", "r2:run.started", "r2:step.started", "r1:step.started"], feed.Select(e => $"{e.Event.RunId}:{e.Event.Kind}"));
        Assert.Equal(["deploy", "backup", "backup", "deploy"], feed.Select(e => e.Workflow));
        Assert.Equal(feed.Select(e => e.Position).Order(), feed.Select(e => e.Position));
        Assert.Equal(feed.Count, feed.Select(e => e.Position).Distinct().Count());
        Assert.All(feed, e => Assert.True(e.Position > 0));
        Assert.Equal("db", feed[3].Event.Step);
        Assert.Equal(2, feed[3].Event.Seq);
        Assert.Equal(1, feed[3].Event.Data.AsMap()["n"].AsNumber());
    }

    [Fact]
    public async Task ReadRunFeed_OtherStacksRuns_AreLeftOut()
    {
        var store = await CreateStoreAsync();
        await store.CreateRunAsync(Run("mine"), "w1", Lease, Token);
        await store.CreateRunAsync(Run("theirs", stack: "other"), "w1", Lease, Token);
        await store.AppendAsync([Transition("theirs", "run.started"), Transition("mine", "run.started"), Transition("theirs", "step.started", Step("theirs", "s"))], "w1", Token);

        Assert.Equal(["mine"], (await store.ReadRunFeedAsync("app", 0, 100, Token)).Select(e => e.Event.RunId));
        Assert.Equal(["theirs", "theirs"], (await store.ReadRunFeedAsync("other", 0, 100, Token)).Select(e => e.Event.RunId));
        Assert.Empty(await store.ReadRunFeedAsync("nobody", 0, 100, Token));
    }

    [Fact]
    public async Task ReadRunFeed_AfterAPosition_ResumesWithTheNextEventsAndHonoursTheLimit()
    {
        var store = await CreateStoreAsync();
        await store.CreateRunAsync(Run("r1"), "w1", Lease, Token);
        for (var i = 0; i < 5; i++)
        {
            await store.AppendAsync([Transition("r1", "step.started", Step("r1", $"s{i}"))], "w1", Token);
        }

        var first = await store.ReadRunFeedAsync("app", 0, 2, Token);
        Assert.Equal(["s0", "s1"], first.Select(e => e.Event.Step));
        var rest = await store.ReadRunFeedAsync("app", first[^1].Position, 100, Token);
        Assert.Equal(["s2", "s3", "s4"], rest.Select(e => e.Event.Step));
        Assert.True(rest[0].Position > first[^1].Position);
        Assert.Empty(await store.ReadRunFeedAsync("app", rest[^1].Position, 100, Token));

        await store.AppendAsync([Transition("r1", "step.started", Step("r1", "late"))], "w1", Token);
        Assert.Equal(["late"], (await store.ReadRunFeedAsync("app", rest[^1].Position, 100, Token)).Select(e => e.Event.Step));
    }
}
