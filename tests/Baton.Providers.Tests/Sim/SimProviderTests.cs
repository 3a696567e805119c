using System.Diagnostics;
using Baton.Providers.Sim;
using Baton.Providers.Tests.Conformance;
using Baton.Values;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Baton.Providers.Tests.Sim;

public sealed class SimProviderTests(ITestOutputHelper output) : IDisposable
{
    private readonly SimFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Create_WithLatency_WaitsForTheClock()
    {
        var time = new FakeTimeProvider();
        await using var provider = await _fixture.StartAsync(time);
        var pending = provider.CreateAsync(SimFixture.Create(V.Map(("input", 1), ("latency", "150ms"))), CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(149));
        await Task.Delay(20);
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task Create_WithLatencyRange_DrawsWithinIt()
    {
        var time = new FakeTimeProvider();
        await using var provider = await _fixture.StartAsync(time, ("seed", 7));
        var pending = provider.CreateAsync(SimFixture.Create(V.Map(("latency", V.Map(("min", "100ms"), ("max", "200ms"))))), CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(99));
        await Task.Delay(20);
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(101));
        Assert.Null((await pending.WaitAsync(TimeSpan.FromSeconds(10))).Error);
    }

    [Fact]
    public async Task Create_FailRateOne_FailsTransientlyAndMakesNothing()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await provider.CreateAsync(SimFixture.Create(V.Map(("fail_rate", 1))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Transient, result.Error?.Kind);
        using var world = _fixture.OpenWorld();
        Assert.Equal(0, world.CountLive());
    }

    [Fact]
    public async Task Create_ThrottleRateOne_IsThrottledWithRetryAfter()
    {
        await using var provider = await _fixture.StartAsync(null, ("retry_after", "2s"));
        var result = await provider.CreateAsync(SimFixture.Create(V.Map(("throttle_rate", 1))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Throttled, result.Error?.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), result.Error?.RetryAfter);
    }

    [Fact]
    public async Task Create_FailPermanently_FailsPermanently()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await provider.CreateAsync(SimFixture.Create(V.Map(("fail_permanently", true))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains("fail_permanently", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SameSeed_FailsTheSameCalls()
    {
        async Task<string> Pattern(string world)
        {
            await using var provider = await new SimProviderFactory().StartAsync(
                _fixture.Configuration(null, ("seed", 42), ("world", world)));
            var outcomes = new List<char>();
            for (var i = 0; i < 40; i++)
            {
                var result = await provider.CreateAsync(SimFixture.Create(V.Map(("input", i), ("fail_rate", 0.5))), CancellationToken.None);
                outcomes.Add(result.Error is null ? '.' : 'x');
            }

            return new string([.. outcomes]);
        }

        var first = await Pattern("a.db");
        var second = await Pattern("b.db");
        Assert.Equal(first, second);
        Assert.Contains('.', first);
        Assert.Contains('x', first);
    }

    [Fact]
    public async Task World_TwoProviderInstances_SeeTheSameObjects()
    {
        await using var one = await _fixture.StartAsync();
        await using var two = await _fixture.StartAsync();
        var key = "op-shared";
        var created = await one.CreateAsync(SimFixture.Create(V.Map(("input", "x")), key), CancellationToken.None);
        var read = await two.ReadAsync(new ReadRequest { Type = "sim.resource", Address = "sim.resource.a", IdempotencyKey = key }, CancellationToken.None);
        Assert.True(read.Exists);
        Assert.Equal(created.Id, read.Id);

        var again = await two.CreateAsync(SimFixture.Create(V.Map(("input", "x")), key), CancellationToken.None);
        Assert.Equal(created.Id, again.Id);
        await two.DeleteAsync(new DeleteRequest { Type = "sim.resource", Address = "sim.resource.a", Id = created.Id!, Attributes = created.Attributes!, IdempotencyKey = "op-del" }, CancellationToken.None);
        Assert.False((await one.ReadAsync(new ReadRequest { Type = "sim.resource", Address = "sim.resource.a", Id = created.Id }, CancellationToken.None)).Exists);

        using var world = _fixture.OpenWorld();
        Assert.Equal(1, world.CountCreates(key));
        Assert.Equal(1, world.CountOperations(SimOperationKind.CreateRepeated));
        Assert.Equal(1, world.CountOperations(SimOperationKind.Delete));
        Assert.Empty(world.LiveObjects());
        Assert.Single(world.AllObjects());
    }

    [Fact]
    public async Task World_ConcurrentCreates_AreAllRecordedOnce()
    {
        await using var provider = await _fixture.StartAsync();
        var tasks = Enumerable.Range(0, 200)
            .Select(i => provider.CreateAsync(SimFixture.Create(V.Map(("input", i)), $"op-{i % 100}", $"sim.resource.r[{i % 100}]"), CancellationToken.None).AsTask());
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.Null(r.Error));
        using var world = _fixture.OpenWorld();
        Assert.Equal(100, world.CountLive());
        Assert.Empty(world.DuplicateAddresses());
        Assert.All(world.CreatesByAddress().Values, count => Assert.Equal(1, count));
        Assert.Equal(200, world.Operations().Length);
    }

    [Fact]
    public async Task Plan_InputChangeWithInputForcesReplace_RequiresReplaceOfInput()
    {
        await using var provider = await _fixture.StartAsync();
        var prior = V.Map(("input", "a"), ("input_forces_replace", true));
        var created = await provider.CreateAsync(SimFixture.Create(prior), CancellationToken.None);
        var plan = await provider.PlanAsync(
            new PlanRequest { Type = "sim.resource", Address = "sim.resource.a", Inputs = V.Map(("input", "b"), ("input_forces_replace", true)), PriorInputs = prior, PriorAttributes = created.Attributes },
            CancellationToken.None);
        Assert.Equal("input", Assert.Single(plan.RequiresReplace));
        Assert.False(plan.PlannedAttributes.AsMap()["id"].IsKnown);
        Assert.Equal(Value.String("b"), plan.PlannedAttributes.AsMap()["output"]);

        var inPlace = await provider.PlanAsync(
            new PlanRequest { Type = "sim.resource", Address = "sim.resource.a", Inputs = V.Map(("input", "b")), PriorInputs = V.Map(("input", "a")), PriorAttributes = created.Attributes },
            CancellationToken.None);
        Assert.Empty(inPlace.RequiresReplace);
    }

    [Fact]
    public async Task Plan_UnknownInput_LeavesOutputUnknown()
    {
        await using var provider = await _fixture.StartAsync();
        var plan = await provider.PlanAsync(
            new PlanRequest { Type = "sim.resource", Address = "sim.resource.a", Inputs = V.Map(("input", Value.UnknownAny)) },
            CancellationToken.None);
        Assert.False(plan.PlannedAttributes.AsMap()["output"].IsKnown);
        Assert.False(plan.PlannedAttributes.AsMap()["output_hash"].IsKnown);
    }

    [Fact]
    public async Task Read_WithinReadAfterWriteDelay_SeesThePreviousVersion()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var provider = await _fixture.StartAsync(time, ("read_after_write_delay", "2s"));
        var created = await provider.CreateAsync(SimFixture.Create(V.Map(("input", "v1"))), CancellationToken.None);
        var read = new ReadRequest { Type = "sim.resource", Address = "sim.resource.a", Id = created.Id };
        Assert.False((await provider.ReadAsync(read, CancellationToken.None)).Exists);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await provider.ReadAsync(read, CancellationToken.None)).Exists);

        await provider.UpdateAsync(
            new UpdateRequest { Type = "sim.resource", Address = "sim.resource.a", Id = created.Id!, PriorInputs = V.Map(("input", "v1")), PriorAttributes = created.Attributes!, Inputs = V.Map(("input", "v2")), IdempotencyKey = "op-u" },
            CancellationToken.None);
        Assert.Equal(Value.String("v1"), (await provider.ReadAsync(read, CancellationToken.None)).Attributes!.AsMap()["output"]);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(Value.String("v2"), (await provider.ReadAsync(read, CancellationToken.None)).Attributes!.AsMap()["output"]);
    }

    [Fact]
    public async Task Create_SensitiveInput_KeepsOutputsSensitive()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await provider.CreateAsync(SimFixture.Create(V.Map(("input", Value.String("secret").AsSensitive()))), CancellationToken.None);
        var read = await provider.ReadAsync(new ReadRequest { Type = "sim.resource", Address = "sim.resource.a", Id = created.Id }, CancellationToken.None);
        Assert.True(read.Attributes!.AsMap()["output"].IsSensitive);
        Assert.True(read.Attributes!.AsMap()["output_hash"].IsSensitive);
    }

    [Fact]
    public async Task Validate_BadKnobs_AreDiagnosticsNamingTheAttribute()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await provider.ValidateAsync(
            new ValidateRequest("sim.resource", "sim.resource.a", V.Map(("latency", "soon"), ("fail_rate", 2))),
            CancellationToken.None);
        Assert.Equal(2, result.Diagnostics.Length);
        Assert.Contains(result.Diagnostics, d => d.Message.StartsWith("latency:", StringComparison.Ordinal) && d.Subject == "sim.resource.a");
        Assert.Contains(result.Diagnostics, d => d.Message.StartsWith("fail_rate:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("durability", "slow")]
    [InlineData("seed", "abc")]
    [InlineData("read_after_write_delay", "later")]
    [InlineData("world", "")]
    public async Task Factory_BadSetting_IsRefusedNamingIt(string setting, string value)
    {
        var problem = Assert.Single(await new SimProviderFactory().RefusedAsync(_fixture.Configuration(null, (setting, value))));
        Assert.Equal(setting, problem.Setting);
    }

    [Fact]
    public async Task Invoke_Action_EchoesOutput()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await provider.InvokeAsync(new InvokeRequest { Action = "sim.action", Inputs = V.Map(("output", "hi")), IdempotencyKey = "run-1" }, CancellationToken.None);
        Assert.Null(result.Error);
        Assert.Equal(Value.String("hi"), result.Outputs.AsMap()["output"]);
        var failed = await provider.InvokeAsync(new InvokeRequest { Action = "sim.action", Inputs = V.Map(("fail_rate", 1)), IdempotencyKey = "run-2" }, CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Transient, failed.Error?.Kind);
    }

    [Fact]
    public void Factory_IsDeclaredOnTheAssembly()
    {
        var attribute = typeof(SimProviderFactory).Assembly.GetCustomAttributes(typeof(BatonProviderAttribute), false).Cast<BatonProviderAttribute>().Single();
        Assert.Equal(typeof(SimProviderFactory), attribute.FactoryType);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("full")]
    public async Task Create_ZeroLatency_CostMeasured(string durability)
    {
        const int count = 5_000;
        await using var provider = await _fixture.StartAsync(null, ("durability", durability), ("world", durability + ".db"));
        var inputs = V.Map(("input", V.Map(("name", "web"), ("index", 1))));
        for (var i = 0; i < 200; i++)
        {
            await provider.CreateAsync(SimFixture.Create(inputs, $"warm-{i}"), CancellationToken.None);
        }

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var result = await provider.CreateAsync(SimFixture.Create(inputs, $"op-{i}", $"sim.resource.r[{i}]"), CancellationToken.None);
            Assert.Null(result.Error);
        }

        stopwatch.Stop();
        output.WriteLine($"durability={durability}: {stopwatch.Elapsed.TotalMicroseconds / count:F1} µs per zero-latency create ({count} sequential creates)");

        stopwatch.Restart();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            Assert.Null((await provider.CreateAsync(SimFixture.Create(inputs, $"par-{i}", $"sim.resource.p[{i}]"), ct)).Error));
        stopwatch.Stop();
        output.WriteLine($"durability={durability}: {stopwatch.Elapsed.TotalMicroseconds / count:F1} µs per zero-latency create ({count} creates, 32 in parallel)");
    }
}
