using Baton.Diagnostics;
using Baton.Engine.Planning;
using Baton.Engine.Tests.Fixtures;
using Baton.Plans;
using Baton.Providers;
using Baton.State;
using Baton.Values;

namespace Baton.Engine.Tests.Planning;

public sealed class PlannerTests
{
    private const string Chain = """
        stack: chain
        resources:
          a:
            type: sim.resource
            properties:
              input: alpha
          b:
            type: sim.resource
            properties:
              input: { name: beta, a: "${a.id}" }
          c:
            type: sim.resource
            properties:
              input: { name: gamma, b: "${b.id}" }
        """;

    [Fact]
    public async Task Plan_NewStack_CreatesEverythingWithComputedValuesUnknown()
    {
        using var stack = TestStack.Create(Chain);

        var planned = await stack.PlanAsync();

        Assert.Empty(planned.Diagnostics);
        Assert.Equal(0, planned.Plan.Serial);
        Assert.Equal(3, planned.Plan.Changes.Length);
        Assert.All(planned.Plan.Changes, c => Assert.Equal(ChangeAction.Create, c.Action));
        var a = planned.Change("a");
        Assert.False(a.After!.AsMap()["id"].IsKnown);
        Assert.Equal(Value.String("alpha"), a.After.AsMap()["output"]);
        var b = planned.Change("b");
        Assert.Equal(["a"], b.Dependencies.ToArray());
        Assert.False(b.Inputs!.AsMap()["input"].AsMap()["a"].IsKnown);
        Assert.Equal(Value.String("beta"), b.Inputs.AsMap()["input"].AsMap()["name"]);
        Assert.False(b.After!.AsMap()["output"].IsWhollyKnown);
    }

    [Fact]
    public async Task Plan_AfterApply_HasNoChanges()
    {
        using var stack = TestStack.Create(Chain);
        await stack.ApplyAsync();

        var planned = await stack.PlanAsync();

        Assert.Empty(planned.Diagnostics);
        Assert.False(planned.Plan.HasChanges);
        Assert.Equal(3, planned.Plan.Count(ChangeAction.NoOp));
        Assert.Empty(planned.Gone);
    }

    [Fact]
    public async Task Plan_InputChanged_UpdatesOnlyThatResourceInPlace()
    {
        using var stack = TestStack.Create(Chain);
        await stack.ApplyAsync();
        var before = await stack.StateAsync();
        stack.Write(Chain.Replace("name: beta", "name: beta2", StringComparison.Ordinal));

        var planned = await stack.PlanAsync();

        Assert.False(planned.Diagnostics.HasErrors);
        Assert.Equal(
            new Dictionary<string, ChangeAction> { ["a"] = ChangeAction.NoOp, ["b"] = ChangeAction.Update, ["c"] = ChangeAction.NoOp },
            planned.Actions);
        var b = planned.Change("b");
        Assert.Empty(b.ReplaceBecause);
        Assert.Equal(before.Resources["b"].Id, b.Id);
        Assert.Equal(Value.String(before.Resources["b"].Id), b.After!.AsMap()["id"]);
        Assert.Equal(Value.String("beta2"), b.Inputs!.AsMap()["input"].AsMap()["name"]);
    }

    [Fact]
    public async Task Plan_InputChangedWithInputForcesReplace_ReplacesBecauseOfInput()
    {
        const string yaml = """
            stack: replace
            resources:
              a:
                type: sim.resource
                properties:
                  input: one
                  input_forces_replace: true
              b:
                type: sim.resource
                properties:
                  input: fixed
            """;
        using var stack = TestStack.Create(yaml);
        await stack.ApplyAsync();
        stack.Write(yaml.Replace("input: one", "input: two", StringComparison.Ordinal));

        var planned = await stack.PlanAsync();

        Assert.False(planned.Diagnostics.HasErrors);
        var a = planned.Change("a");
        Assert.Equal(ChangeAction.Replace, a.Action);
        Assert.Equal(["input"], a.ReplaceBecause.ToArray());
        Assert.False(a.After!.AsMap()["id"].IsKnown);
        Assert.Equal(ChangeAction.NoOp, planned.Change("b").Action);
    }

    [Fact]
    public async Task Plan_ResourceRemovedFromFile_IsDeleted()
    {
        using var stack = TestStack.Create(Chain);
        await stack.ApplyAsync();
        var state = await stack.StateAsync();
        stack.Write(Chain[..Chain.IndexOf("  c:", StringComparison.Ordinal)]);

        var planned = await stack.PlanAsync();

        Assert.False(planned.Diagnostics.HasErrors);
        Assert.Equal(
            new Dictionary<string, ChangeAction> { ["a"] = ChangeAction.NoOp, ["b"] = ChangeAction.NoOp, ["c"] = ChangeAction.Delete },
            planned.Actions);
        var c = planned.Change("c");
        Assert.Equal(state.Resources["c"].Id, c.Id);
        Assert.Equal("no longer in the stack", c.Reason);
    }

    [Fact]
    public async Task Plan_CountDecreased_DeletesTheHighestInstances()
    {
        const string yaml = """
            stack: counted
            variables:
              n: { type: int, default: 4 }
            resources:
              w:
                type: sim.resource
                count: ${var.n}
                properties:
                  input: worker-${count.index}
            """;
        using var stack = TestStack.Create(yaml);
        await stack.ApplyAsync();
        Assert.Equal(4, (await stack.StateAsync()).Resources.Count);
        stack.Variables["n"] = "2";

        var planned = await stack.PlanAsync();

        Assert.False(planned.Diagnostics.HasErrors);
        Assert.Equal(
            new Dictionary<string, ChangeAction>
            {
                ["w[0]"] = ChangeAction.NoOp,
                ["w[1]"] = ChangeAction.NoOp,
                ["w[2]"] = ChangeAction.Delete,
                ["w[3]"] = ChangeAction.Delete,
            },
            planned.Actions);
    }

    [Fact]
    public async Task Plan_TaintedResource_IsReplaced()
    {
        using var stack = TestStack.Create(Chain);
        await stack.ApplyAsync();
        await using (var open = await stack.OpenAsync())
        {
            await using var holder = await open.Session.LockAsync("taint", TimeSpan.FromSeconds(5), CancellationToken.None);
            var state = await open.Stores.State.LoadAsync("chain", CancellationToken.None);
            await open.Stores.State.CommitAsync(
                new StateChange { Stack = "chain", FencingToken = holder.Lock.FencingToken, Upserts = [state.Resources["a"] with { Status = ResourceStatus.Tainted }] },
                CancellationToken.None);
        }

        var planned = await stack.PlanAsync();

        Assert.False(planned.Diagnostics.HasErrors);
        var a = planned.Change("a");
        Assert.Equal(ChangeAction.Replace, a.Action);
        Assert.Contains("tainted", a.Reason, StringComparison.Ordinal);

        // b refers to a's id, which the replacement changes.
        Assert.Equal(ChangeAction.Update, planned.Change("b").Action);
        Assert.False(planned.Change("b").Inputs!.AsMap()["input"].AsMap()["a"].IsKnown);

        // Applied, b refers to the new object, and nothing is left to do.
        var applied = await stack.ApplyAsync();
        Assert.True(applied.Result.Succeeded);
        var after = await stack.StateAsync();
        Assert.Equal(Value.String(after.Resources["a"].Id), after.Resources["b"].Inputs.AsMap()["input"].AsMap()["a"]);
        Assert.Equal(ResourceStatus.Ready, after.Resources["a"].Status);
        Assert.False((await stack.PlanAsync()).Plan.HasChanges);
    }

    [Fact]
    public async Task Plan_IgnoreChanges_KeepsThePriorInputs()
    {
        const string yaml = """
            stack: ignoring
            resources:
              a:
                type: sim.resource
                properties:
                  input: original
                lifecycle:
                  ignore_changes: [input]
            """;
        using var stack = TestStack.Create(yaml);
        await stack.ApplyAsync();
        stack.Write(yaml.Replace("input: original", "input: edited", StringComparison.Ordinal));

        var planned = await stack.PlanAsync();

        Assert.False(planned.Diagnostics.HasErrors);
        var a = planned.Change("a");
        Assert.Equal(ChangeAction.NoOp, a.Action);
        Assert.Equal(Value.String("original"), a.Inputs!.AsMap()["input"]);
    }

    [Fact]
    public async Task Plan_PreventDestroyAndRemoved_FailsNamingTheAddress()
    {
        const string yaml = """
            stack: guarded
            resources:
              keep:
                type: sim.resource
                properties:
                  input: precious
                lifecycle:
                  prevent_destroy: true
              other:
                type: sim.resource
                properties:
                  input: x
            """;
        using var stack = TestStack.Create(yaml);
        await stack.ApplyAsync();
        stack.Write("""
            stack: guarded
            resources:
              other:
                type: sim.resource
                properties:
                  input: x
            """);

        // The resource is gone from the file, so its prevent_destroy went with it: the plan may delete it.
        var removed = await stack.PlanAsync();
        Assert.False(removed.Diagnostics.HasErrors);
        Assert.Equal(ChangeAction.Delete, removed.Change("keep").Action);

        // Destroying the stack while the file still protects it is refused.
        stack.Write(yaml);
        var destroy = await stack.PlanAsync(new PlanOptions { Destroy = true });
        var error = Assert.Single(destroy.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCodes.PreventDestroy, error.Code);
        Assert.Equal("keep", error.Subject);
        Assert.Contains("keep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_PreventDestroyAndCountDecreased_FailsNamingTheInstance()
    {
        const string yaml = """
            stack: guarded
            variables:
              n: { type: int, default: 2 }
            resources:
              keep:
                type: sim.resource
                count: ${var.n}
                properties:
                  input: k${count.index}
                lifecycle:
                  prevent_destroy: true
            """;
        using var stack = TestStack.Create(yaml);
        await stack.ApplyAsync();
        stack.Variables["n"] = "1";

        var planned = await stack.PlanAsync();

        var error = Assert.Single(planned.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCodes.PreventDestroy, error.Code);
        Assert.Equal("keep[1]", error.Subject);
        Assert.Contains("keep[1] has prevent_destroy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_PreventDestroyAndForcedReplace_FailsNamingTheAddress()
    {
        const string yaml = """
            stack: guarded
            resources:
              keep:
                type: sim.resource
                properties:
                  input: one
                  input_forces_replace: true
                lifecycle:
                  prevent_destroy: true
            """;
        using var stack = TestStack.Create(yaml);
        await stack.ApplyAsync();
        stack.Write(yaml.Replace("input: one", "input: two", StringComparison.Ordinal));

        var planned = await stack.PlanAsync();

        var error = Assert.Single(planned.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCodes.PreventDestroy, error.Code);
        Assert.Equal("keep", error.Subject);
        Assert.Contains("keep has prevent_destroy", error.Message, StringComparison.Ordinal);
        Assert.Contains("input", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deny", DiagnosticSeverity.Error)]
    [InlineData("warn", DiagnosticSeverity.Warning)]
    public async Task Plan_PolicyFails_ReportsPolicyAndResourceAtItsEnforcement(string enforcement, DiagnosticSeverity severity)
    {
        using var stack = TestStack.Create($$"""
            stack: governed
            resources:
              good:
                type: sim.resource
                properties:
                  input: fine
              bad:
                type: sim.resource
                properties:
                  input: forbidden
            policies:
              - name: no-forbidden
                enforcement: {{enforcement}}
                when: resource.type == "sim.resource"
                require: resource.properties.input != "forbidden"
                message: forbidden input
            """);

        var planned = await stack.PlanAsync();

        var diagnostic = Assert.Single(planned.Diagnostics);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(DiagnosticCodes.PolicyDenied, diagnostic.Code);
        Assert.Equal("bad", diagnostic.Subject);
        Assert.Contains("\"no-forbidden\"", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("bad", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(2, planned.Plan.Count(ChangeAction.Create));
    }

    [Fact]
    public async Task Plan_Target_PlansOnlyTheTargetAndWhatItDependsOn()
    {
        using var stack = TestStack.Create(Chain + """

              lone:
                type: sim.resource
                properties:
                  input: by itself
            """);

        var planned = await stack.PlanAsync(new PlanOptions { Targets = new HashSet<string>(["b"], StringComparer.Ordinal) });

        Assert.False(planned.Diagnostics.HasErrors);
        Assert.Equal(
            new Dictionary<string, ChangeAction> { ["a"] = ChangeAction.Create, ["b"] = ChangeAction.Create },
            planned.Actions);
    }

    [Fact]
    public async Task Plan_SimObjectDeletedBehindBatonsBack_RefreshPlansItsCreate()
    {
        using var stack = TestStack.Create(Chain);
        await stack.ApplyAsync();
        var id = (await stack.StateAsync()).Resources["c"].Id;
        await using (var open = await stack.OpenAsync())
        {
            var sim = await open.Session.Providers.GetAsync("sim", CancellationToken.None);
            var deleted = await sim.DeleteAsync(
                new DeleteRequest { Type = "sim.resource", Address = "c", Id = id, Attributes = Value.EmptyMap, IdempotencyKey = "out-of-band" },
                CancellationToken.None);
            Assert.Null(deleted.Error);
        }

        using (var world = stack.World())
        {
            Assert.Equal(2, world.CountLive());
        }

        var stale = await stack.PlanAsync(refresh: false);
        var refreshed = await stack.PlanAsync();

        Assert.False(stale.Plan.HasChanges);
        Assert.Empty(stale.Gone);
        Assert.Equal(["c"], refreshed.Gone);
        Assert.Equal(
            new Dictionary<string, ChangeAction> { ["a"] = ChangeAction.NoOp, ["b"] = ChangeAction.NoOp, ["c"] = ChangeAction.Create },
            refreshed.Actions);
    }

    [Fact]
    public async Task Plan_FileDeletedBehindBatonsBack_RefreshPlansItsCreate()
    {
        using var stack = TestStack.Create("""
            stack: files
            providers:
              file:
                roots: [out]
            resources:
              dir:
                type: file.directory
                properties:
                  path: out
              note:
                type: file.file
                depends_on: [dir]
                properties:
                  path: out/note.txt
                  content: hello
            """);
        await stack.ApplyAsync();
        var path = Path.Combine(stack.Directory, "out", "note.txt");
        Assert.Equal("hello", await File.ReadAllTextAsync(path));
        File.Delete(path);

        var stale = await stack.PlanAsync(refresh: false);
        var refreshed = await stack.PlanAsync();

        Assert.False(stale.Plan.HasChanges);
        Assert.Equal(["note"], refreshed.Gone);
        Assert.Equal(
            new Dictionary<string, ChangeAction> { ["dir"] = ChangeAction.NoOp, ["note"] = ChangeAction.Create },
            refreshed.Actions);
    }
}
