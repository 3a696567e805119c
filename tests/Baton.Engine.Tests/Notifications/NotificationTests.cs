using Baton.Engine.Applying;
using Baton.Engine.Tests.Fixtures;
using Baton.Plans;
using Baton.Providers.Sim;
using Baton.State;

namespace Baton.Engine.Tests.Notifications;

/// <summary>
/// notifies:/subscribes: on the sim provider, whose action sim.signal logs every signal in the world: which verbs a
/// plan shows, that an apply runs each once per target after the changes (delayed) or right after its source
/// (immediate), and that one queued but not run is carried over to the next apply.
/// </summary>
public sealed class NotificationTests
{
    private static string Stack(string conf, string site = "v1", string timing = "delayed") => $$"""
        variables:
          conf: { default: "{{conf}}" }
        resources:
          service:
            type: sim.resource
            properties: { input: service }
          conf:
            type: sim.resource
            properties: { input: "${var.conf}" }
            notifies: [{ signal: service, timing: {{timing}} }]
          site:
            type: sim.resource
            properties: { input: "{{site}}" }
            depends_on: [conf]
          watcher:
            type: sim.resource
            properties: { input: watcher }
            subscribes: [{ signal: site }]
        """;

    private static List<SimOperation> Signals(TestStack stack)
    {
        using var world = stack.World();
        return [.. world.Operations().Where(o => o.Kind == SimOperationKind.Signal)];
    }

    [Fact]
    public async Task Plan_FirstApply_NotifiesNothingSinceTheTargetsAreNew()
    {
        using var stack = TestStack.Create(Stack("a"));

        var planned = await stack.PlanAsync();

        Assert.Empty(planned.Plan.Notifications);
        var applied = await stack.ApplyAsync();
        Assert.True(applied.Result.Succeeded);
        Assert.Empty(Signals(stack));
    }

    [Fact]
    public async Task Apply_SourceChanges_SignalsItsTargetOnceAfterTheChanges()
    {
        using var stack = TestStack.Create(Stack("a"));
        Assert.True((await stack.ApplyAsync()).Result.Succeeded);
        stack.Write(Stack("b", site: "v2"));

        var planned = await stack.PlanAsync();
        Assert.Equal(
            [("service", "signal", "conf", "delayed", false), ("watcher", "signal", "site", "delayed", false)],
            planned.Plan.Notifications.Select(n => (n.Target, n.Verb, n.Source, n.Timing, n.Pending)));
        Assert.Contains("signal service (delayed), because conf changes", PlanRenderer.Render(planned.Plan, colour: false), StringComparison.Ordinal);
        Assert.EndsWith("2 to notify.", PlanRenderer.Summary(planned.Plan), StringComparison.Ordinal);

        var applied = await stack.ApplyAsync();

        Assert.True(applied.Result.Succeeded);
        Assert.All(applied.Result.Notifications, n => Assert.Equal(OperationOutcome.Succeeded, n.Outcome));
        Assert.EndsWith("2 notified", StackSession.Summary(applied.Result), StringComparison.Ordinal);
        var signals = Signals(stack);
        Assert.Equal(["service", "watcher"], signals.Select(s => s.Address).Order(StringComparer.Ordinal));
        using (var world = stack.World())
        {
            // Delayed: after every change of the apply.
            var lastUpdate = world.Operations().Where(o => o.Kind == SimOperationKind.Update).Max(o => o.Sequence);
            Assert.All(signals, s => Assert.True(s.Sequence > lastUpdate, $"{s.Address} was signalled before the last update"));
        }

        Assert.Empty((await stack.StateAsync()).Notifications);
        Assert.Empty((await stack.PlanAsync()).Plan.Notifications);
    }

    [Fact]
    public async Task Apply_Immediate_SignalsRightAfterTheSourceBeforeWhatDependsOnIt()
    {
        using var stack = TestStack.Create(Stack("a", timing: "immediate"));
        Assert.True((await stack.ApplyAsync()).Result.Succeeded);
        stack.Write(Stack("b", site: "v2", timing: "immediate"));

        var applied = await stack.ApplyAsync();

        Assert.True(applied.Result.Succeeded);
        using var world = stack.World();
        var operations = world.Operations();
        var confUpdate = Assert.Single(operations, o => o.Kind == SimOperationKind.Update && o.Address == "conf").Sequence;
        var siteUpdate = Assert.Single(operations, o => o.Kind == SimOperationKind.Update && o.Address == "site").Sequence;
        var signal = Assert.Single(operations, o => o.Kind == SimOperationKind.Signal && o.Address == "service").Sequence;
        Assert.True(confUpdate < signal && signal < siteUpdate, $"conf updated at {confUpdate}, service signalled at {signal}, site updated at {siteUpdate}");
    }

    [Fact]
    public async Task Apply_NoChange_SignalsNothing()
    {
        using var stack = TestStack.Create(Stack("a"));
        Assert.True((await stack.ApplyAsync()).Result.Succeeded);

        var applied = await stack.ApplyAsync();

        Assert.Empty(applied.Plan.Notifications);
        Assert.Empty(Signals(stack));
    }

    [Fact]
    public async Task Apply_TwoSourcesOneTargetAndVerb_SignalsOnce()
    {
        const string Yaml = """
            variables:
              v: { default: "1" }
            resources:
              service:
                type: sim.resource
                properties: { input: service }
              a:
                type: sim.resource
                properties: { input: "a${var.v}" }
                notifies: [{ signal: service }]
              b:
                type: sim.resource
                properties: { input: "b${var.v}" }
                notifies: [{ signal: service }]
            """;
        using var stack = TestStack.Create(Yaml);
        Assert.True((await stack.ApplyAsync()).Result.Succeeded);
        stack.Variables["v"] = "2";

        var applied = await stack.ApplyAsync();

        Assert.Equal("service", Assert.Single(applied.Plan.Notifications).Target);
        Assert.Equal("service", Assert.Single(Signals(stack)).Address);
    }

    [Fact]
    public async Task Apply_QueuedNotificationNotRun_IsCarriedOverToTheNextApply()
    {
        using var stack = TestStack.Create(Stack("a"));
        Assert.True((await stack.ApplyAsync()).Result.Succeeded);

        // As an apply killed after conf changed and before the delayed signal leaves it: queued, not run.
        await using (var open = await stack.OpenAsync())
        {
            var held = (await open.Stores.Locks.AcquireLockAsync(open.Session.Name, "test", "apply", TimeSpan.FromMinutes(1), TimeSpan.Zero, CancellationToken.None)).Lock!;
            await open.Stores.State.CommitAsync(
                new StateChange
                {
                    Stack = open.Session.Name,
                    FencingToken = held.FencingToken,
                    Notify = [new PendingNotification { Target = "service", Verb = "signal", Source = "conf", Timing = "delayed", QueuedAt = DateTimeOffset.UnixEpoch }],
                },
                CancellationToken.None);
            await open.Stores.Locks.ReleaseLockAsync(held, CancellationToken.None);
        }

        var planned = await stack.PlanAsync();
        var pending = Assert.Single(planned.Plan.Notifications);
        Assert.True(pending.Pending);
        Assert.True(planned.Plan.HasChanges);
        Assert.Contains("signal service, queued by conf in an apply that stopped before it ran", PlanRenderer.Render(planned.Plan, colour: false), StringComparison.Ordinal);

        var applied = await stack.ApplyAsync();

        Assert.True(applied.Result.Succeeded);
        Assert.Equal("service", Assert.Single(Signals(stack)).Address);
        Assert.Empty((await stack.StateAsync()).Notifications);
        Assert.False((await stack.PlanAsync()).Plan.HasChanges);
    }

    [Fact]
    public async Task Validate_VerbTheProviderHasNoActionFor_IsAnError()
    {
        using var stack = TestStack.Create("resources:\n  a:\n    type: sim.resource\n    notifies: [{ restart: b }]\n  b:\n    type: sim.resource\n");

        var error = Assert.ThrowsAny<Exception>(() => stack.Bind());

        Assert.Contains("BT3011: resource \"b\" (sim.resource) cannot be notified to restart: the sim provider has no action sim.restart", error.Message, StringComparison.Ordinal);
    }
}
