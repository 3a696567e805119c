using Baton.Diagnostics;
using static Baton.Libraries.Tests.Language.Spec.StackText;

namespace Baton.Libraries.Tests.Binding;

public sealed class ReferenceCheckTests
{
    private const string Base =
        "variables:\n  region: { default: eu }\n" +
        "resources:\n  db:\n    type: pg.db\n";

    private static Diagnostic Problem(string yaml) => Single(Bind(yaml).Diagnostics);

    private static string Resource(string properties, string extra = "") =>
        Base + "  web:\n    type: a.b\n" + extra + "    properties: { x: \"" + properties + "\" }\n";

    [Fact]
    public void Check_VariableTypo_SuggestsTheVariable()
    {
        var diagnostic = Problem(Resource("${var.regoin}"));

        Assert.Equal(DiagnosticCodes.UnknownVariable, diagnostic.Code);
        Assert.Equal("unknown variable \"regoin\"", diagnostic.Message);
        Assert.Equal("did you mean \"region\"?", diagnostic.Help);
        Assert.Equal(At(8, 25), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_TemplateLoopVariable_IsNotAReference() =>
        AssertClean(Bind(Resource("%{ for z in [var.region, db.name] }${z}-%{ endfor }%{ for k, v in { a = 1 } }${k}${v}%{ endfor }")).Diagnostics);

    [Fact]
    public void Check_TemplateLoopOverMisspelledVariable_SuggestsTheVariable()
    {
        var diagnostic = Problem(Resource("%{ for z in var.regoin }${z}%{ endfor }"));

        Assert.Equal(DiagnosticCodes.UnknownVariable, diagnostic.Code);
        Assert.Equal(At(8, 35), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_TemplateLoopVariableAfterTheLoop_IsAnUnknownName() =>
        Assert.Equal(DiagnosticCodes.UnknownResource, Problem(Resource("%{ for z in [1] }%{ endfor }${z}")).Code);

    [Fact]
    public void Check_TemplateLoopOverResource_DependsOnIt()
    {
        var stack = Bind(Resource("%{ for z in [db.name] }${z}%{ endfor }")).Stack;
        var web = stack.Graph.Nodes.ToList().FindIndex(n => n.Address.ToString() == "web");
        Assert.Equal(["db"], stack.Graph.Dependencies(web).ToArray().Select(d => stack.Graph[d].Address.ToString()));
    }

    [Fact]
    public void Check_EachWithoutForEach_IsNotAvailable()
    {
        var diagnostic = Problem(Resource("${each.key}"));

        Assert.Equal(DiagnosticCodes.ReferenceNotAvailable, diagnostic.Code);
        Assert.Equal("each is only available in a resource or step with for_each, not in resource \"web\"", diagnostic.Message);
    }

    [Fact]
    public void Check_EachWithForEach_IsAccepted() =>
        AssertClean(Bind(Resource("${each.key}-${each.value}", "    for_each: [a]\n")).Diagnostics);

    [Fact]
    public void Check_EachUnknownAttribute_ListsTheAttributes() =>
        Assert.Equal("each has no attribute \"kye\"; it has key, value", Problem(Resource("${each.kye}", "    for_each: [a]\n")).Message);

    [Fact]
    public void Check_CountIndexWithoutCount_IsNotAvailable() =>
        Assert.Equal(
            "count.index is only available in a resource with count, not in resource \"web\"",
            Problem(Resource("${count.index}")).Message);

    [Fact]
    public void Check_CountIndexWithCount_IsAccepted() =>
        AssertClean(Bind(Resource("n-${count.index}", "    count: 2\n")).Diagnostics);

    [Fact]
    public void Check_StackAttributes_AreKnown()
    {
        AssertClean(Bind(Resource("${stack.name}/${stack.directory}")).Diagnostics);
        var diagnostic = Problem(Resource("${stack.nme}"));
        Assert.Equal("stack has no attribute \"nme\"; it has name, directory", diagnostic.Message);
        Assert.Equal("did you mean \"name\"?", diagnostic.Help);
    }

    [Fact]
    public void Check_UnknownResource_SuggestsAResource()
    {
        var diagnostic = Problem(Resource("${dbb.id}"));

        Assert.Equal(DiagnosticCodes.UnknownResource, diagnostic.Code);
        Assert.Equal("unknown resource \"dbb\"", diagnostic.Message);
        Assert.Equal("did you mean \"db\"?", diagnostic.Help);
    }

    [Theory]
    [InlineData("${inputs.keep}", "inputs")]
    [InlineData("${steps.dump.outputs}", "steps")]
    [InlineData("${run.id}", "run")]
    public void Check_WorkflowRootsInAResource_AreNotAvailable(string expression, string root) =>
        Assert.Equal($"{root}.* is only available in workflows, not in resource \"web\"", Problem(Resource(expression)).Message);

    [Fact]
    public void Check_ResourceRootInPolicy_SeesTheCheckedResource() =>
        AssertClean(Bind(Base + "policies:\n  - name: p\n    when: resource.type == \"pg.db\"\n    require: resource.properties != null\n").Diagnostics);

    [Fact]
    public void Check_NamedResourceInPolicy_IsNotAvailable() =>
        Assert.Equal(
            "policy \"p\" cannot reference resource \"db\": a policy sees the resource it checks as resource.*",
            Problem(Base + "policies:\n  - name: p\n    require: db.id != \"\"\n").Message);

    [Fact]
    public void Check_ResourceRootOutsidePolicy_IsAnUnknownResource() =>
        Assert.Equal("unknown resource \"resource\"", Problem(Base + "outputs:\n  o: ${resource.type}\n").Message);

    [Fact]
    public void Check_ResourceInVariableValidation_IsNotAvailable() =>
        Assert.Equal(
            "variable \"n\" cannot reference resource \"db\": variables are known before any resource exists",
            Problem("resources:\n  db:\n    type: pg.db\nvariables:\n  n:\n    default: 1\n    validation:\n      - { condition: \"${db.id != var.n}\", message: m }\n").Message);

    [Fact]
    public void Check_ResourceInCount_IsNotAvailable() =>
        Assert.Equal(
            "count or for_each of resource \"web\" cannot reference resource \"db\": instances must be known before a plan, so count and for_each can use only variables",
            Problem(Base + "  web:\n    type: a.b\n    count: ${db.size}\n").Message);

    [Fact]
    public void Check_ResourceInOutput_IsAccepted() =>
        AssertClean(Bind(Base + "outputs:\n  url: ${db.url}\n").Diagnostics);

    [Fact]
    public void Check_IndexOnSingleResource_IsBadInstanceKey() =>
        Assert.Equal(
            "resource \"db\" has neither count nor for_each, so it cannot be indexed",
            Problem(Resource("${db[0].id}")).Message);

    [Fact]
    public void Check_ForEachKeyTypo_SuggestsTheKey()
    {
        var diagnostic = Problem(Base + "  site:\n    type: a.b\n    for_each: [eu, us]\n  web:\n    type: a.b\n    properties: { x: \"${site[\\\"uk\\\"].id}\" }\n");

        Assert.Equal("resource \"site\" has no instance [\"uk\"]", diagnostic.Message);
        Assert.Equal("did you mean \"us\"?", diagnostic.Help);
    }

    [Fact]
    public void Check_DependsOnUnknownResource_SuggestsAResource()
    {
        var diagnostic = Problem(Base + "  web:\n    type: a.b\n    depends_on: [dd]\n");

        Assert.Equal(DiagnosticCodes.UnknownResource, diagnostic.Code);
        Assert.Equal("resource \"web\" depends on \"dd\", which is not a resource", diagnostic.Message);
        Assert.Equal("did you mean \"db\"?", diagnostic.Help);
        Assert.Equal(At(8, 18), diagnostic.Span!.Start);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("pg.")]
    [InlineData(".db")]
    [InlineData("pg.db.x")]
    public void Check_MalformedResourceType_IsInvalidResourceType(string type) =>
        Assert.Equal(DiagnosticCodes.InvalidResourceType, Problem($"resources:\n  db:\n    type: \"{type}\"\n").Code);

    [Fact]
    public void Check_ProviderNotConfigured_IsUnknownProvider()
    {
        var diagnostic = Problem("providers:\n  s3.dr: {}\nresources:\n  b:\n    type: s3.bucket\n    provider: s3.dx\n");

        Assert.Equal(DiagnosticCodes.UnknownProvider, diagnostic.Code);
        Assert.Equal("resource \"b\" uses provider \"s3.dx\", which is not configured", diagnostic.Message);
        Assert.Equal("did you mean \"s3.dr\"?", diagnostic.Help);
    }

    [Fact]
    public void Check_ProviderOfAnotherFamily_IsRefused() =>
        Assert.Equal(
            "resource \"b\" of type s3.bucket cannot use provider \"pg.main\", which is a pg provider",
            Problem("providers:\n  pg.main: {}\nresources:\n  b:\n    type: s3.bucket\n    provider: pg.main\n").Message);
}
