using Baton.Addresses;
using Baton.Diagnostics;
using Baton.Binding;
using Baton.Spec;
using Baton.Values;
using static Baton.Libraries.Tests.Language.Spec.StackText;

namespace Baton.Libraries.Tests.Binding;

public sealed class ExpansionAndGraphTests
{
    private static VariableInput Var(string assignment) => VariableInputs.FromAssignment(assignment, new DiagnosticBag())!;

    private static List<string> Addresses(BoundStack stack) => [.. stack.Graph.Nodes.Select(n => n.Address.ToString())];

    private static List<string> DependenciesOf(BoundStack stack, string address)
    {
        var node = stack.Graph.Nodes.ToList().FindIndex(n => n.Address.ToString() == address);
        Assert.True(node >= 0, $"no node {address}");
        return [.. stack.Graph.Dependencies(node).ToArray().Select(d => stack.Graph[d].Address.ToString()).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void Bind_CountFromVariable_MakesIndexedInstances()
    {
        var (stack, diagnostics) = Bind("variables:\n  n: { type: int }\nresources:\n  web:\n    type: a.b\n    count: ${var.n}\n", [Var("n=3")]);

        AssertClean(diagnostics);
        Assert.Equal(["web[0]", "web[1]", "web[2]"], Addresses(stack));
        Assert.Equal(new ResourceAddress("web", InstanceKey.Of(2)), stack.Graph[2].Address);
        Assert.Equal(Value.Number(2), stack.Graph[2].EachValue);
    }

    [Fact]
    public void Bind_CountZero_MakesNoInstances()
    {
        var (stack, diagnostics) = Bind("resources:\n  web:\n    type: a.b\n    count: 0\n");

        AssertClean(diagnostics);
        Assert.Equal(0, stack.Graph.NodeCount);
    }

    [Fact]
    public void Bind_ForEachList_MakesKeyedInstancesWithEachValue()
    {
        var (stack, diagnostics) = Bind("resources:\n  site:\n    type: a.b\n    for_each: [eu, us]\n");

        AssertClean(diagnostics);
        Assert.Equal(["site[\"eu\"]", "site[\"us\"]"], Addresses(stack));
        Assert.Equal(Value.String("us"), stack.Graph[1].EachValue);
        Assert.Equal(InstanceKey.Of("eu"), stack.Graph[0].Address.Key);
    }

    [Fact]
    public void Bind_ForEachMap_EachValueIsTheMapValue()
    {
        var (stack, diagnostics) = Bind("resources:\n  site:\n    type: a.b\n    for_each: { us: 2, eu: 1 }\n");

        AssertClean(diagnostics);
        Assert.Equal(["site[\"eu\"]", "site[\"us\"]"], Addresses(stack));
        Assert.Equal(Value.Number(1), stack.Graph[0].EachValue);
    }

    [Theory]
    [InlineData("for_each: [a, b, a]", 15, "for_each of resource \"web\" holds \"a\" twice; keys must be unique")]
    [InlineData("for_each: [a, 1]", 15, "for_each of resource \"web\" must be a map or a list of strings; it holds 1")]
    [InlineData("for_each: abc", 15, "for_each of resource \"web\" must be a map or a list of strings, not \"abc\"")]
    [InlineData("count: -1", 12, "count of resource \"web\" must be a whole number from 0 to 100,000, not -1")]
    [InlineData("count: ${3 / 2}", 14, "count of resource \"web\" must be a whole number from 0 to 100,000, not 1.5")]
    [InlineData("count: 100001", 12, "count of resource \"web\" must be a whole number from 0 to 100,000, not 100001")]
    [InlineData("count: 1e12", 12, "count of resource \"web\" must be a whole number from 0 to 100,000, not 1000000000000")]
    public void Bind_BadExpansion_IsReportedAtTheExpression(string line, int column, string message)
    {
        var (stack, diagnostics) = Bind("resources:\n  web:\n    type: a.b\n    " + line + "\n");
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticCodes.BadExpansion, diagnostic.Code);
        Assert.Equal(message, diagnostic.Message);
        Assert.Equal(At(4, column), diagnostic.Span!.Start);
        Assert.Equal(0, stack.Graph.NodeCount);
    }

    [Theory]
    [InlineData("count: abc")]
    [InlineData("count: \"abc\"")]
    [InlineData("count: 2.5")]
    public void Bind_CountLiteralThatIsNoWholeNumber_IsOneDiagnostic(string line)
    {
        // As validate does: the shape check and the binder both run; only one of them reports the count.
        var (spec, diagnostics) = Parse("resources:\n  web:\n    type: a.b\n    " + line + "\n");
        StackBinder.Bind(spec, [], Baton.Libraries.Tests.Language.Spec.StackText.NoFiles.Instance, new BindOptions(), diagnostics);

        Assert.Equal(DiagnosticCodes.InvalidScalar, Single(diagnostics).Code);
    }

    [Theory]
    [InlineData("for_each: ${var.names}", "variables:\n  names: { type: list(string), default: [alpha-key], sensitive: true }\n")]
    [InlineData("for_each: ${var.byname}", "variables:\n  byname: { default: { alpha-key: 1 }, sensitive: true }\n")]
    [InlineData("for_each: ${[var.one]}", "variables:\n  one: { default: alpha-key, sensitive: true }\n")]
    public void Bind_SensitiveForEachKeys_AreRefused(string line, string variables)
    {
        var (stack, diagnostics) = Bind(variables + "resources:\n  web:\n    type: a.b\n    " + line + "\n");
        var diagnostic = Single(diagnostics);

        Assert.Equal(DiagnosticCodes.BadExpansion, diagnostic.Code);
        Assert.Equal("for_each of resource \"web\" is sensitive; its keys would show in addresses and state in plain text", diagnostic.Message);
        Assert.DoesNotContain("alpha-key", diagnostic.Message + diagnostic.Help, StringComparison.Ordinal);
        Assert.Equal(0, stack.Graph.NodeCount);
    }

    [Fact]
    public void Bind_SensitiveValuesUnderPlainKeys_AreAllowedAndStaySensitive()
    {
        var (stack, diagnostics) = Bind("variables:\n  pw: { default: s3cret, sensitive: true }\nresources:\n  web:\n    type: a.b\n    for_each: ${{ a = var.pw }}\n");

        AssertClean(diagnostics);
        Assert.Equal(["web[\"a\"]"], Addresses(stack));
        Assert.True(stack.Graph[0].EachValue!.IsSensitive);
    }

    [Fact]
    public void Bind_CountOverConfiguredLimit_IsBadExpansion() =>
        Assert.Equal(
            "count of resource \"web\" must be a whole number from 0 to 5, not 6",
            Single(Bind("resources:\n  web:\n    type: a.b\n    count: 6\n", options: new BindOptions { MaxInstancesPerResource = 5 }).Diagnostics).Message);

    [Fact]
    public void Bind_ForEachOverConfiguredLimit_IsBadExpansion() =>
        Assert.Equal(
            "for_each of resource \"web\" has more than 2 keys",
            Single(Bind("resources:\n  web:\n    type: a.b\n    for_each: [a, b, c]\n", options: new BindOptions { MaxInstancesPerResource = 2 }).Diagnostics).Message);

    [Fact]
    public void Bind_CountFromVariableWithoutValue_IsNotKnown()
    {
        var diagnostic = Single(Bind("variables:\n  n: { type: int }\nresources:\n  web:\n    type: a.b\n    count: ${var.n}\n").Diagnostics);

        Assert.Equal(DiagnosticCodes.BadExpansion, diagnostic.Code);
        Assert.Equal("count of resource \"web\" is not known: it depends on var.n that has no value yet", diagnostic.Message);
    }

    [Fact]
    public void Bind_CountAndForEach_IsRefused() =>
        Assert.Equal(
            DiagnosticCodes.CountAndForEach,
            Single(Bind("resources:\n  web:\n    type: a.b\n    count: 2\n    for_each: [a]\n").Diagnostics).Code);

    private const string ThreeWebs = "resources:\n  web:\n    type: a.b\n    count: 3\n  site:\n    type: a.b\n    for_each: [eu, us]\n";

    [Fact]
    public void Bind_ReferenceToOneCountInstance_DependsOnExactlyThatInstance()
    {
        var (stack, diagnostics) = Bind(ThreeWebs + "  lb:\n    type: a.b\n    properties: { one: \"${web[1].id}\" }\n");

        AssertClean(diagnostics);
        Assert.Equal(["web[1]"], DependenciesOf(stack, "lb"));
    }

    [Fact]
    public void Bind_ReferenceToOneForEachInstance_DependsOnExactlyThatInstance()
    {
        var (stack, diagnostics) = Bind(ThreeWebs + "  lb:\n    type: a.b\n    properties: { one: \"${site[\\\"us\\\"].id}\" }\n");

        AssertClean(diagnostics);
        Assert.Equal(["site[\"us\"]"], DependenciesOf(stack, "lb"));
    }

    [Fact]
    public void Bind_SplatReference_DependsOnEveryInstance()
    {
        var (stack, diagnostics) = Bind(ThreeWebs + "  lb:\n    type: a.b\n    properties: { all: \"${web[*].id}\" }\n");

        AssertClean(diagnostics);
        Assert.Equal(["web[0]", "web[1]", "web[2]"], DependenciesOf(stack, "lb"));
    }

    [Fact]
    public void Bind_DependsOn_DependsOnEveryInstance()
    {
        var (stack, diagnostics) = Bind(ThreeWebs + "  lb:\n    type: a.b\n    depends_on: [site]\n");

        AssertClean(diagnostics);
        Assert.Equal(["site[\"eu\"]", "site[\"us\"]"], DependenciesOf(stack, "lb"));
    }

    [Fact]
    public void Bind_IndexPastCount_IsBadInstanceKey()
    {
        var diagnostic = Single(Bind(ThreeWebs + "  lb:\n    type: a.b\n    properties: { x: \"${web[3].id}\" }\n").Diagnostics);

        Assert.Equal(DiagnosticCodes.BadInstanceKey, diagnostic.Code);
        Assert.Equal("resource \"web\" has no instance [3]; its count is 3", diagnostic.Message);
    }

    private const string Cycle =
        "resources:\n" +
        "  a:\n    type: x.y\n    properties: { to: \"${b.id}\" }\n" +
        "  b:\n    type: x.y\n    properties: { to: \"${c.id}\" }\n" +
        "  c:\n    type: x.y\n    properties: { to: \"${a.id}\" }\n";

    [Fact]
    public void Bind_ThreeResourceCycle_IsReportedOnceWithNotesInCycleOrder()
    {
        var (stack, diagnostics) = Bind(Cycle);
        var diagnostic = Single(diagnostics);

        Assert.False(stack.IsAcyclic);
        Assert.Equal(DiagnosticCodes.DependencyCycle, diagnostic.Code);
        Assert.Equal("dependency cycle: a → b → c → a", diagnostic.Message);
        Assert.Equal(At(2, 3), diagnostic.Span!.Start);
        Assert.Equal(
            ["\"a\" (line 2) depends on \"b\" here", "\"b\" (line 5) depends on \"c\" here", "\"c\" (line 8) depends on \"a\" here"],
            diagnostic.Notes.Select(n => n.Message));
        Assert.Equal([4, 7, 10], diagnostic.Notes.Select(n => n.Span!.Start.Line));
        Assert.Equal([26, 26, 26], diagnostic.Notes.Select(n => n.Span!.Start.Column));
    }

    [Fact]
    public void Bind_CycleThroughCountInstances_IsReportedOncePerResourceCycle()
    {
        var (_, diagnostics) = Bind(
            "resources:\n  a:\n    type: x.y\n    count: 3\n    properties: { to: \"${b.id}\" }\n  b:\n    type: x.y\n    properties: { to: \"${a[*].id}\" }\n");

        Assert.Equal("dependency cycle: a → b → a", Single(diagnostics).Message);
    }

    [Fact]
    public void Bind_TwoIndependentCycles_AreTwoDiagnostics()
    {
        var (_, diagnostics) = Bind(
            "resources:\n" +
            "  a: { type: x.y, depends_on: [b] }\n  b: { type: x.y, depends_on: [a] }\n" +
            "  c: { type: x.y, depends_on: [d] }\n  d: { type: x.y, depends_on: [c] }\n");

        Assert.Equal(["dependency cycle: a → b → a", "dependency cycle: c → d → c"], diagnostics.Select(d => d.Message).Order(StringComparer.Ordinal));
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticCodes.DependencyCycle, d.Code));
    }

    [Fact]
    public void Bind_SelfReference_DependsOnItself() =>
        Assert.Equal(
            "resource \"a\" depends on itself",
            Single(Bind("resources:\n  a:\n    type: x.y\n    properties: { me: \"${a.id}\" }\n").Diagnostics).Message);

    [Fact]
    public void Bind_ValidStack_IsAcyclicAndOrdersDependenciesFirst()
    {
        var (stack, diagnostics) = Bind(
            ThreeWebs + "  lb:\n    type: a.b\n    properties: { all: \"${web[*].id}\" }\n    depends_on: [site]\n  dns:\n    type: a.b\n    properties: { to: \"${lb.ip}\" }\n");

        AssertClean(diagnostics);
        Assert.True(stack.IsAcyclic);
        var order = stack.Graph.TopologicalOrder();
        Assert.True(order.IsSuccess);
        Assert.Equal(stack.Graph.NodeCount, order.Order.Length);
        var position = order.Order.Select((node, i) => (node, i)).ToDictionary(x => x.node, x => x.i);
        for (var node = 0; node < stack.Graph.NodeCount; node++)
        {
            foreach (var dependency in stack.Graph.Dependencies(node))
            {
                Assert.True(position[dependency] < position[node], $"{stack.Graph[dependency]} must come before {stack.Graph[node]}");
            }
        }

        Assert.Equal(6, stack.Graph.EdgeCount);
    }
}
