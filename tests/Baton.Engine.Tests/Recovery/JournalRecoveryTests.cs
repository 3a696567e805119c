using Baton.Engine.Tests.Fixtures;
using Baton.Plans;
using Baton.Providers;
using Baton.State;
using Baton.Values;

namespace Baton.Engine.Tests.Recovery;

/// <summary>
/// Recovery in-process: a journal intent is written as the applier would before its provider call, the call is made
/// (or not) by hand, and recovery must make state match what the sim world holds.
/// </summary>
public sealed class JournalRecoveryTests
{
    private const string Yaml = """
        stack: journal
        resources:
          a:
            type: sim.resource
            properties: { input: { name: alpha } }
          b:
            type: sim.resource
            properties: { input: beta }
        """;

    [Fact]
    public async Task RecoverAsync_PendingCreateThatTookEffect_PutsTheObjectInState()
    {
        using var stack = TestStack.Create(Yaml);
        await using var open = await stack.OpenAsync();
        var inputs = (await open.PlanAsync()).Change("a").Inputs!;
        var key = Guid.NewGuid().ToString("N");
        await WriteIntentAsync(open, Intent(JournalAction.Create, key, inputs));
        var sim = await open.Session.Providers.GetAsync("sim", CancellationToken.None);
        var created = await sim.CreateAsync(new CreateRequest { Type = "sim.resource", Address = "a", Inputs = inputs, IdempotencyKey = key }, CancellationToken.None);
        Assert.Null(created.Error);

        var result = await RecoverAsync(open);

        Assert.Equal(1, result.Resolved);
        Assert.Equal(["a: the interrupted create took effect; it is now in state"], result.Messages.ToArray());
        Assert.Empty(await open.Stores.State.PendingIntentsAsync("journal", CancellationToken.None));
        var state = await open.Stores.State.LoadAsync("journal", CancellationToken.None);
        var a = Assert.Single(state.Resources.Values);
        Assert.Equal(created.Id, a.Id);
        Assert.Equal(inputs, a.Inputs);
        Assert.Equal(Value.String(created.Id!), a.Attributes.AsMap()["id"]);

        // The stack now only needs b: a is not made again.
        var planned = await open.PlanAsync();
        Assert.Equal(new Dictionary<string, ChangeAction> { ["a"] = ChangeAction.NoOp, ["b"] = ChangeAction.Create }, planned.Actions);
        using var world = stack.World();
        Assert.Equal(1, world.CountOperations(Baton.Providers.Sim.SimOperationKind.Create));
    }

    [Fact]
    public async Task RecoverAsync_PendingCreateThatNeverHappened_LeavesStateEmpty()
    {
        using var stack = TestStack.Create(Yaml);
        await using var open = await stack.OpenAsync();
        var inputs = (await open.PlanAsync()).Change("a").Inputs!;
        await WriteIntentAsync(open, Intent(JournalAction.Create, Guid.NewGuid().ToString("N"), inputs));

        var result = await RecoverAsync(open);

        Assert.Equal(1, result.Resolved);
        Assert.Equal(["a: the interrupted create did not take effect"], result.Messages.ToArray());
        Assert.Empty(await open.Stores.State.PendingIntentsAsync("journal", CancellationToken.None));
        var state = await open.Stores.State.LoadAsync("journal", CancellationToken.None);
        Assert.Empty(state.Resources);
        Assert.Equal(2, (await open.PlanAsync()).Plan.Count(ChangeAction.Create));
    }

    [Fact]
    public async Task RecoverAsync_PendingDeleteThatTookEffect_RemovesTheObjectFromState()
    {
        using var stack = TestStack.Create(Yaml);
        await stack.ApplyAsync();
        await using var open = await stack.OpenAsync();
        var before = await open.Stores.State.LoadAsync("journal", CancellationToken.None);
        var a = before.Resources["a"];
        var key = Guid.NewGuid().ToString("N");
        await WriteIntentAsync(open, Intent(JournalAction.Delete, key, a.Inputs) with { ResourceId = a.Id });
        var sim = await open.Session.Providers.GetAsync("sim", CancellationToken.None);
        Assert.Null((await sim.DeleteAsync(new DeleteRequest { Type = "sim.resource", Address = "a", Id = a.Id, Attributes = a.Attributes, IdempotencyKey = key }, CancellationToken.None)).Error);

        var result = await RecoverAsync(open);

        Assert.Equal(1, result.Resolved);
        Assert.Equal(["a: the interrupted delete took effect; removed from state"], result.Messages.ToArray());
        Assert.Empty(await open.Stores.State.PendingIntentsAsync("journal", CancellationToken.None));
        var state = await open.Stores.State.LoadAsync("journal", CancellationToken.None);
        Assert.Equal(["b"], state.Resources.Keys.ToArray());
        Assert.True(state.Serial > before.Serial);
    }

    [Fact]
    public async Task RecoverAsync_PendingDeleteThatNeverHappened_KeepsTheObjectInState()
    {
        using var stack = TestStack.Create(Yaml);
        await stack.ApplyAsync();
        await using var open = await stack.OpenAsync();
        var before = await open.Stores.State.LoadAsync("journal", CancellationToken.None);
        var a = before.Resources["a"];
        await WriteIntentAsync(open, Intent(JournalAction.Delete, Guid.NewGuid().ToString("N"), a.Inputs) with { ResourceId = a.Id });

        var result = await RecoverAsync(open);

        Assert.Equal(["a: the interrupted delete did not take effect; it stays in state"], result.Messages.ToArray());
        Assert.Empty(await open.Stores.State.PendingIntentsAsync("journal", CancellationToken.None));
        var state = await open.Stores.State.LoadAsync("journal", CancellationToken.None);
        Assert.Equal(["a", "b"], state.Resources.Keys.ToArray());
        Assert.Equal(a.Id, state.Resources["a"].Id);
        Assert.Equal(a.Attributes, state.Resources["a"].Attributes);
    }

    [Fact]
    public async Task RecoverAsync_NothingPending_ChangesNothing()
    {
        using var stack = TestStack.Create(Yaml);
        await stack.ApplyAsync();
        await using var open = await stack.OpenAsync();
        var before = await open.Stores.State.LoadAsync("journal", CancellationToken.None);

        var result = await RecoverAsync(open);

        Assert.Equal(0, result.Resolved);
        Assert.Empty(result.Messages);
        Assert.Equal(before.Serial, (await open.Stores.State.LoadAsync("journal", CancellationToken.None)).Serial);
    }

    private static JournalIntent Intent(JournalAction action, string operationId, Value inputs) => new()
    {
        OperationId = operationId,
        Stack = "journal",
        Address = "a",
        Type = "sim.resource",
        Provider = "sim",
        Action = action,
        Inputs = inputs,
        At = DateTimeOffset.UtcNow,
    };

    private static async Task WriteIntentAsync(TestStack.OpenStack open, JournalIntent intent)
    {
        await using var holder = await open.Session.LockAsync("apply", TimeSpan.FromSeconds(5), CancellationToken.None);
        await open.Stores.State.CommitAsync(new StateChange { Stack = "journal", FencingToken = holder.Lock.FencingToken, Intents = [intent] }, CancellationToken.None);
        Assert.Single(await open.Stores.State.PendingIntentsAsync("journal", CancellationToken.None));
    }

    private static async Task<Baton.Engine.Recovery.JournalRecovery.Result> RecoverAsync(TestStack.OpenStack open)
    {
        await using var holder = await open.Session.LockAsync("plan", TimeSpan.FromSeconds(5), CancellationToken.None);
        return await open.Session.RecoverAsync(holder, CancellationToken.None);
    }
}
