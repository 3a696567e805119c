using System.Text;
using Baton.Engine.Applying;
using Baton.Engine.Planning;
using Baton.Engine.Retrying;
using Baton.Engine.Tests.Fixtures;
using Baton.Engine.Tests.Support;
using Baton.Plans;
using Baton.Providers.Sim;
using Baton.State;
using Baton.Values;

namespace Baton.Engine.Tests.Applying;

public sealed class ApplierTests
{
    private static ApplyOptions FastRetries(int attempts) => new()
    {
        Retry = new RetryPolicy(attempts, TimeSpan.FromMilliseconds(1), 2, TimeSpan.FromMilliseconds(5)),
        Jitter = Jitter.Seeded(11),
    };

    [Fact]
    public async Task Apply_NewStack_JournalsEveryOperationAndLeavesNoPendingIntent()
    {
        using var stack = TestStack.Create(StackGenerator.Generate(20, seed: 5, latency: "0ms"));

        var applied = await stack.ApplyAsync();

        Assert.True(applied.Result.Succeeded);
        Assert.Equal(20, applied.Result.Count(OperationOutcome.Succeeded));
        Assert.Equal("20 created, 0 updated, 0 replaced, 0 deleted, 0 failed, 0 skipped", StackSession.Summary(applied.Result));
        await using var open = await stack.OpenAsync();
        Assert.Empty(await open.Stores.State.PendingIntentsAsync("generated", CancellationToken.None));
        var state = await open.Stores.State.LoadAsync("generated", CancellationToken.None);
        Assert.Equal(applied.Result.Serial, state.Serial);
        using var world = stack.World();
        var live = world.LiveObjects();
        Assert.Equal(20, live.Length);
        Assert.Equal(live.Select(o => o.Id).Order(StringComparer.Ordinal), state.Resources.Values.Select(r => r.Id).Order(StringComparer.Ordinal));

        // Each create's idempotency key is a journal operation id that has a result.
        Assert.All(live, o => Assert.Equal(1, world.CountCreates(o.IdempotencyKey)));
        var events = await open.Stores.Events.ReadEventsAsync("generated", 0, 1000, CancellationToken.None);
        Assert.Equal(20, events.Count(e => e.Kind == "resource.created"));
        Assert.Equal(["apply.started", "apply.finished"], events.Where(e => e.Kind.StartsWith("apply.", StringComparison.Ordinal)).Select(e => e.Kind).ToArray());
        var history = Assert.Single(await open.Stores.Applies.ListAppliesAsync("generated", 10, CancellationToken.None));
        Assert.Equal(ApplyStatus.Succeeded, history.Status);
    }

    [Fact]
    public async Task Apply_RandomDag_StartsEveryResourceAfterAllItsDependenciesFinished()
    {
        using var stack = TestStack.Create(StackGenerator.Generate(40, seed: 17, latency: "{ min: 0ms, max: 4ms }"));
        var observer = new RecordingObserver();

        var applied = await stack.ApplyAsync(observer: observer);

        Assert.True(applied.Result.Succeeded);
        Assert.Equal(40, observer.Starts.Count);
        var edges = 0;
        foreach (var change in applied.Plan.Changes)
        {
            foreach (var dependency in change.Dependencies)
            {
                edges++;
                Assert.True(
                    observer.Starts[change.Key] >= observer.Finishes[dependency],
                    $"{change.Key} started at {observer.Starts[change.Key]} before {dependency} finished at {observer.Finishes[dependency]}");
            }
        }

        Assert.True(edges >= 30, $"the generated DAG has only {edges} edges");
    }

    [Fact]
    public async Task Apply_SlowUnrelatedBranch_DoesNotHoldUpAFastChain()
    {
        using var stack = TestStack.Create("""
            stack: eager
            resources:
              slow:
                type: sim.resource
                properties: { input: s, latency: 400ms }
              slow_child:
                type: sim.resource
                properties: { input: "${slow.id}" }
              f1:
                type: sim.resource
                properties: { input: f }
              f2:
                type: sim.resource
                properties: { input: "${f1.id}" }
              f3:
                type: sim.resource
                properties: { input: "${f2.id}" }
            """);
        var observer = new RecordingObserver();

        var applied = await stack.ApplyAsync(observer: observer);

        Assert.True(applied.Result.Succeeded);

        // With level barriers f2 (level 1) would wait for slow (level 0) to finish.
        Assert.True(observer.Finishes["f3"] < observer.Finishes["slow"], $"f3 finished at {observer.Finishes["f3"]}, slow at {observer.Finishes["slow"]}");
        Assert.True(observer.Starts["f3"] < observer.Starts["slow"] + TimeSpan.FromMilliseconds(300));
        Assert.True(observer.Starts["slow_child"] >= observer.Finishes["slow"]);
    }

    [Fact]
    public async Task Apply_ParallelismLimit_IsNeverExceededAndIsReached()
    {
        using var stack = TestStack.Create(Independent(12, "25ms"));
        var observer = new RecordingObserver();

        var applied = await stack.ApplyAsync(applyOptions: new ApplyOptions { Parallelism = 3 }, observer: observer);

        Assert.True(applied.Result.Succeeded);
        Assert.Equal(3, observer.MaxRunning);
    }

    [Fact]
    public async Task Apply_ProviderParallelismSetting_CapsThatProvidersOperations()
    {
        using var stack = TestStack.Create(Independent(10, "25ms").Replace("resources:", "providers:\n  sim:\n    parallelism: 2\nresources:", StringComparison.Ordinal));
        var observer = new RecordingObserver();

        var applied = await stack.ApplyAsync(observer: observer);

        Assert.True(applied.Result.Succeeded);
        Assert.Equal(2, observer.MaxRunning);
    }

    [Fact]
    public async Task Apply_PermanentFailure_SkipsDependentsAndFinishesIndependentBranches()
    {
        using var stack = TestStack.Create("""
            stack: isolation
            resources:
              base:
                type: sim.resource
                properties: { input: base }
              ok_child:
                type: sim.resource
                properties: { input: "${base.id}" }
              broken:
                type: sim.resource
                properties: { input: broken, fail_permanently: true }
              child:
                type: sim.resource
                properties: { input: "${broken.id}" }
              grandchild:
                type: sim.resource
                properties: { input: "${child.id}" }
              lone:
                type: sim.resource
                properties: { input: lone }
            """);
        var observer = new RecordingObserver();

        var applied = await stack.ApplyAsync(observer: observer);

        Assert.False(applied.Result.Succeeded);
        Assert.Equal(OperationOutcome.Failed, applied.Outcome("broken"));
        Assert.Equal(OperationOutcome.Skipped, applied.Outcome("child"));
        Assert.Equal(OperationOutcome.Skipped, applied.Outcome("grandchild"));
        Assert.Equal(OperationOutcome.Succeeded, applied.Outcome("base"));
        Assert.Equal(OperationOutcome.Succeeded, applied.Outcome("ok_child"));
        Assert.Equal(OperationOutcome.Succeeded, applied.Outcome("lone"));
        Assert.Contains("fails permanently", Assert.Single(applied.Result.Operations, o => o.Change.Address == "broken").Error, StringComparison.Ordinal);
        Assert.Equal("3 created, 0 updated, 0 replaced, 0 deleted, 1 failed, 2 skipped", StackSession.Summary(applied.Result));
        Assert.False(observer.Starts.ContainsKey("child"));
        Assert.Equal(OperationOutcome.Skipped, observer.Outcomes["grandchild"]);

        var state = await stack.StateAsync();
        Assert.Equal(["base", "lone", "ok_child"], state.Resources.Keys.ToArray());
        using var world = stack.World();
        Assert.Equal(3, world.CountLive());
        await using var open = await stack.OpenAsync();
        Assert.Empty(await open.Stores.State.PendingIntentsAsync("isolation", CancellationToken.None));
        Assert.Equal(ApplyStatus.Failed, Assert.Single(await open.Stores.Applies.ListAppliesAsync("isolation", 10, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Apply_TransientFailuresEveryTime_FailsAfterTheGivenAttempts()
    {
        using var stack = TestStack.Create("""
            stack: flaky
            resources:
              doomed:
                type: sim.resource
                properties: { input: x, fail_rate: 1 }
            """);
        var observer = new RecordingObserver();

        var applied = await stack.ApplyAsync(applyOptions: FastRetries(3), observer: observer);

        Assert.Equal(OperationOutcome.Failed, applied.Outcome("doomed"));
        Assert.Equal([1, 2], observer.Retries.Select(r => r.Attempt).Order().ToArray());
        Assert.All(observer.Retries, r => Assert.Contains("fail_rate 1", r.Error, StringComparison.Ordinal));
        Assert.Contains("failed (fail_rate 1)", Assert.Single(applied.Result.Operations).Error, StringComparison.Ordinal);
        Assert.Empty((await stack.StateAsync()).Resources);
        using var world = stack.World();
        Assert.Equal(0, world.CountLive());
    }

    [Fact]
    public async Task Apply_TransientFailuresHalfTheTime_EventuallySucceedsCreatingEachObjectOnce()
    {
        using var stack = TestStack.Create(Independent(10, "0ms", "fail_rate: 0.5").Replace("resources:", "providers:\n  sim:\n    seed: 4\nresources:", StringComparison.Ordinal));
        var observer = new RecordingObserver();

        var applied = await stack.ApplyAsync(applyOptions: FastRetries(40), observer: observer);

        Assert.True(applied.Result.Succeeded);
        Assert.NotEmpty(observer.Retries);
        Assert.All(observer.Retries, r => Assert.Contains("fail_rate 0.5", r.Error, StringComparison.Ordinal));
        using var world = stack.World();
        var live = world.LiveObjects();
        Assert.Equal(10, live.Length);
        Assert.Empty(world.DuplicateAddresses());
        Assert.All(live, o => Assert.Equal(1, world.CountCreates(o.IdempotencyKey)));
        Assert.Equal(10, world.CountOperations(SimOperationKind.Create));
        var state = await stack.StateAsync();
        Assert.Equal(live.Select(o => o.Id).Order(StringComparer.Ordinal), state.Resources.Values.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Apply_Throttled_WaitsTheRetryAfterTheProviderAsksFor()
    {
        using var stack = TestStack.Create("""
            stack: throttled
            providers:
              sim:
                retry_after: 60ms
            resources:
              busy:
                type: sim.resource
                properties: { input: x, throttle_rate: 1 }
            """);
        var observer = new RecordingObserver();

        var applied = await stack.ApplyAsync(applyOptions: FastRetries(3), observer: observer);

        Assert.Equal(OperationOutcome.Failed, applied.Outcome("busy"));
        Assert.Equal(2, observer.Retries.Count);
        Assert.All(observer.Retries, r => Assert.Equal(TimeSpan.FromMilliseconds(60), r.Delay));
        Assert.All(observer.Retries, r => Assert.Contains("throttled", r.Error, StringComparison.Ordinal));
        Assert.True(observer.Finishes["busy"] - observer.Starts["busy"] >= TimeSpan.FromMilliseconds(115));
    }

    [Fact]
    public async Task Destroy_Chain_DeletesInReverseDependencyOrder()
    {
        using var stack = TestStack.Create("""
            stack: teardown
            resources:
              a:
                type: sim.resource
                properties: { input: a }
              b:
                type: sim.resource
                properties: { input: "${a.id}" }
              c:
                type: sim.resource
                properties: { input: "${b.id}" }
              d:
                type: sim.resource
                properties: { input: "${a.id}" }
            """);
        await stack.ApplyAsync();
        var observer = new RecordingObserver();

        var destroyed = await stack.DestroyAsync(observer);

        Assert.True(destroyed.Result.Succeeded);
        Assert.True(destroyed.Plan.IsDestroy);
        Assert.All(destroyed.Plan.Changes, c => Assert.Equal(ChangeAction.Delete, c.Action));
        Assert.Equal("0 created, 0 updated, 0 replaced, 4 deleted, 0 failed, 0 skipped", StackSession.Summary(destroyed.Result));
        Assert.True(observer.Starts["b"] >= observer.Finishes["c"]);
        Assert.True(observer.Starts["a"] >= observer.Finishes["b"]);
        Assert.True(observer.Starts["a"] >= observer.Finishes["d"]);
        Assert.Equal("a", observer.FinishOrder[^1]);
        Assert.Empty((await stack.StateAsync()).Resources);
        using var world = stack.World();
        Assert.Equal(0, world.CountLive());
        Assert.Equal(["c", "b"], world.Operations().Where(o => o.Kind == SimOperationKind.Delete && o.Address is "b" or "c").Select(o => o.Address).ToArray());
    }

    [Theory]
    [InlineData(true, new[] { SimOperationKind.Create, SimOperationKind.Create, SimOperationKind.Delete })]
    [InlineData(false, new[] { SimOperationKind.Create, SimOperationKind.Delete, SimOperationKind.Create })]
    public async Task Apply_Replacement_OrdersCreateAndDeleteByCreateBeforeDestroy(bool createBeforeDestroy, SimOperationKind[] expected)
    {
        var yaml = $$"""
            stack: swap
            resources:
              x:
                type: sim.resource
                properties: { input: one, input_forces_replace: true }
                lifecycle:
                  create_before_destroy: {{(createBeforeDestroy ? "true" : "false")}}
            """;
        using var stack = TestStack.Create(yaml);
        await stack.ApplyAsync();
        var oldId = (await stack.StateAsync()).Resources["x"].Id;
        stack.Write(yaml.Replace("input: one", "input: two", StringComparison.Ordinal));

        var applied = await stack.ApplyAsync();

        Assert.True(applied.Result.Succeeded);
        Assert.Equal(ChangeAction.Replace, Assert.Single(applied.Plan.Changes).Action);
        using var world = stack.World();
        var operations = world.Operations().Where(o => o.Address == "x").ToArray();
        Assert.Equal(expected, operations.Select(o => o.Kind).ToArray());
        Assert.Equal(oldId, Assert.Single(operations, o => o.Kind == SimOperationKind.Delete).ObjectId);
        var live = Assert.Single(world.LiveObjects());
        Assert.Equal(Value.String("two"), live.Input);
        var state = await stack.StateAsync();
        var x = Assert.Single(state.Resources.Values);
        Assert.Equal(live.Id, x.Id);
        Assert.Null(x.DeposedKey);
        Assert.Equal(ResourceStatus.Ready, x.Status);
    }

    [Fact]
    public async Task Apply_SensitiveVariable_NeverReachesTheStateFileOrEventsInPlaintext()
    {
        const string secret = "s3cr3t-Pa55word-7f9c2e";
        using var stack = TestStack.Create("""
            stack: secrets
            variables:
              password:
                type: string
                sensitive: true
            resources:
              db:
                type: sim.resource
                properties:
                  input: { user: admin, password: "${var.password}" }
            outputs:
              password:
                value: ${db.output.password}
                sensitive: true
            """);
        stack.Variables["password"] = secret;

        var applied = await stack.ApplyAsync();
        stack.Variables["password"] = secret;
        var replanned = await stack.PlanAsync();

        Assert.True(applied.Result.Succeeded);
        Assert.False(replanned.Plan.HasChanges);
        await using (var open = await stack.OpenAsync())
        {
            var state = await open.Stores.State.LoadAsync("secrets", CancellationToken.None);
            var stored = state.Resources["db"].Inputs.AsMap()["input"].AsMap()["password"];
            Assert.True(stored.IsSensitive);
            Assert.Equal(secret, stored.WithoutSensitivity().AsString());
            Assert.True(state.Outputs.AsMap()["password"].IsSensitive);
            var events = await open.Stores.Events.ReadEventsAsync("secrets", 0, 1000, CancellationToken.None);
            Assert.NotEmpty(events);
            Assert.All(events, e => Assert.DoesNotContain(secret, e.Message + e.Data, StringComparison.Ordinal));
            foreach (var apply in await open.Stores.Applies.ListAppliesAsync("secrets", 10, CancellationToken.None))
            {
                Assert.DoesNotContain(secret, apply.Summary ?? string.Empty, StringComparison.Ordinal);
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = Directory.GetFiles(Path.Combine(stack.Directory, ".baton"), "state.db*");
        Assert.Contains(stack.StatePath, files);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds the secret in plain text");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds the secret in UTF-16");
        }
    }

    [Fact]
    public async Task Apply_Outputs_AreEvaluatedFromWhatWasMadeAndStored()
    {
        using var stack = TestStack.Create("""
            stack: outputs
            resources:
              a:
                type: sim.resource
                properties: { input: { port: 8080 } }
              w:
                type: sim.resource
                count: 2
                properties: { input: "w${count.index}" }
            outputs:
              a_id: ${a.id}
              port: ${a.output.port}
              workers: ${w[*].output}
            """);

        var applied = await stack.ApplyAsync();

        using var world = stack.World();
        var a = Assert.Single(world.LiveObjectsAt("a"));
        var expected = Value.Map(
        [
            KeyValuePair.Create("a_id", Value.String(a.Id)),
            KeyValuePair.Create("port", Value.Number(8080)),
            KeyValuePair.Create("workers", Value.List(Value.String("w0"), Value.String("w1"))),
        ]);
        Assert.Equal(expected, applied.Result.Outputs);
        Assert.Equal(expected, (await stack.StateAsync()).Outputs);
    }

    [Fact]
    public async Task Apply_SavedPlanRoundTrippedThroughJson_AppliesExactlyThatPlan()
    {
        using var stack = TestStack.Create("""
            stack: saved
            variables:
              token:
                type: string
                sensitive: true
            resources:
              a:
                type: sim.resource
                properties: { input: { token: "${var.token}" } }
              b:
                type: sim.resource
                properties: { input: "${a.id}" }
            """);
        stack.Variables["token"] = "tok-123";
        await using var open = await stack.OpenAsync();
        var planned = await open.PlanAsync();
        var file = new PlanFile
        {
            Plan = planned.Plan,
            Directory = stack.Directory,
            SourceHash = "unused",
            Variables = open.Session.Stack.Variables,
        };
        var json = file.ToJson(open.Protector);
        Assert.DoesNotContain("tok-123", json, StringComparison.Ordinal);

        var read = PlanFile.FromJson(json, open.Protector);
        await using var holder = await open.Session.LockAsync("apply", TimeSpan.FromSeconds(5), CancellationToken.None);
        var state = await open.Stores.State.LoadAsync("saved", CancellationToken.None);
        Assert.Equal(read.Plan.Serial, state.Serial);
        var result = await open.Session.ApplyAsync(holder, read.Plan, state, new ApplyOptions(), null, CancellationToken.None, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(planned.Plan.Changes.Select(c => (c.Address, c.Action)), read.Plan.Changes.Select(c => (c.Address, c.Action)));
        Assert.Equal("tok-123", read.Variables["token"].WithoutSensitivity().AsString());
        using var world = stack.World();
        var a = Assert.Single(world.LiveObjectsAt("a"));
        var b = Assert.Single(world.LiveObjectsAt("b"));
        Assert.Equal(Value.String(a.Id), b.Input);
        Assert.Equal("tok-123", a.Input.AsMap()["token"].WithoutSensitivity().AsString());
    }

    private static string Independent(int count, string latency, string extra = "")
    {
        var builder = new StringBuilder("stack: wide\nresources:\n");
        for (var i = 0; i < count; i++)
        {
            builder.Append($"  r{i}:\n    type: sim.resource\n    properties: {{ input: {i}, latency: {latency}{(extra.Length > 0 ? ", " + extra : string.Empty)} }}\n");
        }

        return builder.ToString();
    }
}
