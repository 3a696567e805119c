using System.Collections.Immutable;
using Baton.Providers.Process;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Process;

/// <summary>
/// The restart policy against replicas that exit when the test says so: each waits for a file named after its
/// index to appear in the stack directory, then exits with the status written in it.
/// </summary>
public sealed class ProcessRestartPolicyTests : IDisposable
{
    private const string Type = "process.service";
    private const string Address = "process.service.job";

    // Exits with the status in exit-NAME once that file appears; NAME is the script's $0.
    private const string Script = "while [ ! -e \"exit-$0\" ]; do sleep 0.05; done; exit \"$(cat \"exit-$0\")\"";

    private readonly ProcessFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static Value Inputs(string restart, string name = "a") => V.Map(("command", Value.List(Value.String("sh"), Value.String("-c"), Value.String(Script), Value.String(name))), ("restart", restart));

    private static ImmutableArray<Value> States(Value attributes) => attributes.AsMap()["replicas_state"].AsList();

    private static async Task<ResourceResult> CreateAsync(IProvider provider, Value inputs) =>
        await provider.CreateAsync(new CreateRequest { Type = Type, Address = Address, Inputs = inputs, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") }, CancellationToken.None);

    private static async Task<ReadResult> ReadAsync(IProvider provider, string id) =>
        await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = id }, CancellationToken.None);

    private static async Task<PlanResult> PlanAsync(IProvider provider, Value inputs, Value prior) =>
        await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = inputs, PriorInputs = inputs, PriorAttributes = prior }, CancellationToken.None);

    private static async Task<ResourceResult> UpdateAsync(IProvider provider, string id, Value inputs, Value prior) =>
        await provider.UpdateAsync(
            new UpdateRequest { Type = Type, Address = Address, Id = id, PriorInputs = inputs, PriorAttributes = prior, Inputs = inputs, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") },
            CancellationToken.None);

    /// <summary>Makes the replica exit with <paramref name="status"/> and waits until Read reports its exit status.</summary>
    private async Task<Value> ExitAsync(IProvider provider, string id, int status, string name = "a")
    {
        // Written aside and renamed, so the replica never reads an empty file.
        var file = Path.Combine(_fixture.Stack, "exit-" + name);
        await System.IO.File.WriteAllTextAsync(file + ".tmp", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        System.IO.File.Move(file + ".tmp", file);
        for (var i = 0; i < 100; i++)
        {
            var read = await ReadAsync(provider, id);
            if (States(read.Attributes!)[0].AsMap()["exit_code"].Kind == ValueKind.Number)
            {
                System.IO.File.Delete(Path.Combine(_fixture.Stack, "exit-" + name));
                return read.Attributes!;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the replica's exit status was never recorded");
    }

    [Theory]
    [InlineData("always", 0, true)]
    [InlineData("always", 3, true)]
    [InlineData("on-failure", 3, true)]
    [InlineData("on-failure", 0, false)]
    [InlineData("no", 3, false)]
    public async Task Read_ReplicaExited_ReportsItsStatus_AndThePolicyDecidesDrift(string restart, int status, bool drift)
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = Inputs(restart);
        var created = await CreateAsync(provider, inputs);
        Assert.Null(created.Error);
        Assert.Equal(Value.Null, States(created.Attributes!)[0].AsMap()["exit_code"]);

        var read = await ExitAsync(provider, created.Id!, status);
        var state = States(read)[0].AsMap();
        Assert.Equal(Value.False, state["alive"]);
        Assert.Equal(Value.Number(status), state["exit_code"]);

        var plan = await PlanAsync(provider, inputs, read);
        Assert.Equal(drift, PlannedDrift.Differs(plan.PlannedAttributes, read));

        var updated = await UpdateAsync(provider, created.Id!, inputs, read);
        Assert.Null(updated.Error);
        var after = States(updated.Attributes!)[0].AsMap();
        Assert.Equal(Value.Bool(drift), after["alive"]);
        Assert.Equal(drift, after["pid"] != state["pid"]);
    }

    [Fact]
    public async Task Read_ReplicaKilledBySignal_Reports128PlusTheSignal()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("command", Value.List(Value.String("sleep"), Value.String("300"))), ("restart", "no")));
        var pid = (int)States(created.Attributes!)[0].AsMap()["pid"].AsNumber();
        Signals.Send(pid, Signals.Kill);
        Value? code = null;
        for (var i = 0; i < 100 && code is not { Kind: ValueKind.Number }; i++)
        {
            await Task.Delay(50);
            code = States((await ReadAsync(provider, created.Id!)).Attributes!)[0].AsMap()["exit_code"];
        }

        Assert.Equal(Value.Number(128 + 9), code);
    }

    [Fact]
    public async Task Create_OneShotThatSucceeds_IsDoneWithRestartNo_ButFailsWithAlways()
    {
        await using var provider = await _fixture.StartAsync();
        var oneShot = V.Map(("command", Value.List(Value.String("true"))), ("restart", "no"));
        var done = await CreateAsync(provider, oneShot);
        Assert.Null(done.Error);
        await Task.Delay(100);
        var read = await ReadAsync(provider, done.Id!);
        Assert.Equal(Value.Number(0), States(read.Attributes!)[0].AsMap()["exit_code"]);
        Assert.False(PlannedDrift.Differs((await PlanAsync(provider, oneShot, read.Attributes!)).PlannedAttributes, read.Attributes!));

        var always = await CreateAsync(provider, V.Map(("command", Value.List(Value.String("true")))));
        Assert.NotNull(always.Error);
        Assert.Contains("exited right after start with status 0", always.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_PolicyChangeOnly_KeepsPidsAndEndpointsKnown_AndTheUpdateRestartsNothing()
    {
        await using var provider = await _fixture.StartAsync();
        var before = V.Map(("command", Value.List(Value.String("sleep"), Value.String("300"))), ("replicas", 2), ("port", "auto"), ("restart", "always"));
        var after = V.Map(("command", Value.List(Value.String("sleep"), Value.String("300"))), ("replicas", 2), ("port", "auto"), ("restart", "no"));
        var created = await CreateAsync(provider, before);
        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = after, PriorInputs = before, PriorAttributes = created.Attributes }, CancellationToken.None);
        var planned = plan.PlannedAttributes.AsMap();
        Assert.Equal(created.Attributes!.AsMap()["endpoints"], planned["endpoints"]);
        Assert.Equal(created.Attributes!.AsMap()["pids"], planned["pids"]);
        Assert.False(planned["replicas_state"].IsKnown);

        var updated = await provider.UpdateAsync(
            new UpdateRequest { Type = Type, Address = Address, Id = created.Id!, PriorInputs = before, PriorAttributes = created.Attributes!, Inputs = after, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") },
            CancellationToken.None);
        Assert.Null(updated.Error);
        Assert.Equal(created.Attributes!.AsMap()["pids"], updated.Attributes!.AsMap()["pids"]);

        // A change of replicas starts or stops some: pids and endpoints are unknown again.
        var scaled = V.Map(("command", Value.List(Value.String("sleep"), Value.String("300"))), ("replicas", 3), ("port", "auto"), ("restart", "no"));
        var scalePlan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = scaled, PriorInputs = after, PriorAttributes = updated.Attributes }, CancellationToken.None);
        Assert.False(scalePlan.PlannedAttributes.AsMap()["endpoints"].IsKnown);
    }

    [Fact]
    public async Task Validate_UnknownPolicy_IsADiagnostic()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await provider.ValidateAsync(new ValidateRequest(Type, Address, Inputs("sometimes")), CancellationToken.None);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("restart must be one of always, on-failure, no", diagnostic.Message);
    }
}
