using Baton.Diagnostics;
using static Baton.Libraries.Tests.Language.Spec.StackText;

namespace Baton.Libraries.Tests.Language.Spec;

public sealed class ShapeCheckerTests
{
    private static Diagnostic Problem(string yaml) => Single(Parse(yaml).Diagnostics);

    private const string Step = "workflows:\n  w:\n    steps:\n      s:\n        uses: exec\n";

    [Fact]
    public void Check_UnknownTopLevelKey_SuggestsClosestKey()
    {
        var diagnostic = Problem("resorces: {}\n");

        Assert.Equal(DiagnosticCodes.UnknownKey, diagnostic.Code);
        Assert.Equal("unknown key \"resorces\" in the stack file", diagnostic.Message);
        Assert.Equal("did you mean \"resources\"?", diagnostic.Help);
        Assert.Equal(new SourceSpan(FileName, At(1, 1), At(1, 9)), diagnostic.Span);
    }

    [Fact]
    public void Check_UnknownKeyWithNothingClose_ListsTheKeys()
    {
        var diagnostic = Problem("zzzzzz: 1\n");

        Assert.Equal("expected one of: stack, description, variables, providers, hosts, resources, outputs, workflows, policies, drift, reconcile", diagnostic.Help);
    }

    [Fact]
    public void Check_UnknownResourceKey_NamesTheResource()
    {
        var diagnostic = Problem("resources:\n  db:\n    type: pg.db\n    propertes: {}\n");

        Assert.Equal(DiagnosticCodes.UnknownKey, diagnostic.Code);
        Assert.Equal("unknown key \"propertes\" in resource \"db\"", diagnostic.Message);
        Assert.Equal("did you mean \"properties\"?", diagnostic.Help);
        Assert.Equal(At(4, 5), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_UnknownLifecycleKey_NamesThePath()
    {
        var diagnostic = Problem("resources:\n  db:\n    type: pg.db\n    lifecycle:\n      prevent_destory: true\n");

        Assert.Equal("unknown key \"prevent_destory\" in lifecycle of resource \"db\"", diagnostic.Message);
        Assert.Equal("did you mean \"prevent_destroy\"?", diagnostic.Help);
        Assert.Equal(At(5, 7), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_UnknownStepKey_NamesTheStep()
    {
        var diagnostic = Problem(Step + "        neds: [a]\n");

        Assert.Equal("unknown key \"neds\" in step \"s\"", diagnostic.Message);
        Assert.Equal("did you mean \"needs\"?", diagnostic.Help);
        Assert.Equal(At(6, 9), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_UnknownRetryKey_NamesRetryOfTheStep()
    {
        var diagnostic = Problem(Step + "        retry:\n          attempts: 3\n          backof: 2s\n");

        Assert.Equal("unknown key \"backof\" in retry of step \"s\"", diagnostic.Message);
        Assert.Equal("did you mean \"backoff\"?", diagnostic.Help);
        Assert.Equal(At(8, 11), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_ResourceWithoutType_ReportsAtTheResourceName()
    {
        var diagnostic = Problem("resources:\n  db:\n    description: x\n");

        Assert.Equal(DiagnosticCodes.MissingKey, diagnostic.Code);
        Assert.Equal("resource \"db\" is missing the required key \"type\"", diagnostic.Message);
        Assert.Equal(new SourceSpan(FileName, At(2, 3), At(2, 5)), diagnostic.Span);
    }

    [Fact]
    public void Check_AutoscaleWithoutMetric_ReportsAtTheAutoscaleKey()
    {
        var diagnostic = Problem("resources:\n  db:\n    type: pg.db\n    autoscale: { min: 1, max: 3, target: 50 }\n");

        Assert.Equal("autoscale of resource \"db\" is missing the required key \"metric\"", diagnostic.Message);
        Assert.Equal(At(4, 5), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_WorkflowWithoutSteps_ReportsAtTheWorkflowName()
    {
        var diagnostic = Problem("workflows:\n  nightly:\n    schedule: \"0 2 * * *\"\n");

        Assert.Equal("workflow \"nightly\" is missing the required key \"steps\"", diagnostic.Message);
        Assert.Equal(At(2, 3), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_MissingKeysInListItem_NamesTheItem()
    {
        var diagnostics = Parse("policies:\n  - name: p\n").Diagnostics;
        var diagnostic = Single(diagnostics);

        Assert.Equal("policies[0] of the stack file is missing the required key \"require\"", diagnostic.Message);
    }

    [Fact]
    public void Check_ListWhereMapBelongs_IsWrongNodeKind()
    {
        var diagnostic = Problem("resources: [a, b]\n");

        Assert.Equal(DiagnosticCodes.WrongNodeKind, diagnostic.Code);
        Assert.Equal("resources of the stack file must be a map, not a list", diagnostic.Message);
        Assert.Equal(At(1, 12), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_StringWhereListBelongs_IsWrongNodeKind()
    {
        var diagnostic = Problem("resources:\n  web:\n    type: a.b\n    depends_on: db\n");

        Assert.Equal("depends_on of resource \"web\" must be a list, not a string", diagnostic.Message);
    }

    [Fact]
    public void Check_RootIsAList_IsWrongNodeKind() =>
        Assert.Equal("the stack file must be a map, not a list", Problem("- a\n- b\n").Message);

    [Fact]
    public void Check_RetryAsList_NamesBothAlternatives()
    {
        var diagnostic = Problem(Step + "        retry: [1]\n");

        Assert.Equal(DiagnosticCodes.WrongNodeKind, diagnostic.Code);
        Assert.Equal("retry of step \"s\" cannot be a list; expected whole number or a map", diagnostic.Message);
    }

    [Fact]
    public void Check_RetryAsNumberOrMap_IsAccepted()
    {
        AssertClean(Parse(Step + "        retry: 3\n").Diagnostics);
        AssertClean(Parse(Step + "        retry: { attempts: 3, backoff: 2s, coefficient: 1.5, max_backoff: 1m }\n").Diagnostics);
    }

    [Fact]
    public void Check_ExpressionInLiteralOnlyInteger_IsRefused()
    {
        var diagnostic = Problem(Step + "        retry:\n          attempts: ${var.n}\n");

        Assert.Equal(DiagnosticCodes.InvalidScalar, diagnostic.Code);
        Assert.Equal("retry.attempts of step \"s\" must be a literal whole number; expressions are not allowed here", diagnostic.Message);
    }

    [Fact]
    public void Check_ExpressionInDuration_IsRefused() =>
        Assert.Equal(
            "timeouts.create of resource \"db\" must be a literal duration; expressions are not allowed here",
            Problem("resources:\n  db:\n    type: a.b\n    timeouts: { create: \"${var.t}\" }\n").Message);

    [Fact]
    public void Check_ExpressionInEnum_IsRefused() =>
        Assert.Equal(
            "policies[0].enforcement of the stack file must be a literal; expressions are not allowed here",
            Problem("policies:\n  - name: p\n    require: \"true\"\n    enforcement: ${var.e}\n").Message);

    [Fact]
    public void Check_ExpressionWhereAllowed_IsAccepted() =>
        AssertClean(Parse("resources:\n  db:\n    type: a.b\n    count: ${var.n}\n    autoscale: { min: 1, max: \"${var.max}\", metric: cpu, target: 50 }\n").Diagnostics);

    [Fact]
    public void Check_EnumTypo_SuggestsTheValue()
    {
        var diagnostic = Problem("policies:\n  - name: p\n    require: \"true\"\n    enforcement: dney\n");

        Assert.Equal(DiagnosticCodes.InvalidScalar, diagnostic.Code);
        Assert.Equal("policies[0].enforcement of the stack file must be one of deny, warn, not \"dney\"", diagnostic.Message);
        Assert.Equal("did you mean \"deny\"?", diagnostic.Help);
        Assert.Equal(At(4, 18), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_UnknownTriggerEvent_SuggestsTheEvent()
    {
        var diagnostic = Problem("workflows:\n  w:\n    triggers:\n      - event: resource.unhealty\n    steps:\n      s: { uses: exec }\n");

        Assert.Equal("did you mean \"resource.unhealthy\"?", diagnostic.Help);
    }

    [Theory]
    [InlineData("1db")]
    [InlineData("my_db!")]
    [InlineData("a.b")]
    public void Check_InvalidResourceName_IsInvalidName(string name)
    {
        var diagnostic = Problem($"resources:\n  \"{name}\":\n    type: a.b\n");

        Assert.Equal(DiagnosticCodes.InvalidName, diagnostic.Code);
        Assert.Equal($"\"{name}\" is not a valid resource name", diagnostic.Message);
        Assert.Equal("a name starts with a letter and holds only letters, digits, _ and -", diagnostic.Help);
    }

    [Fact]
    public void Check_InvalidStackName_IsInvalidName()
    {
        var diagnostic = Problem("stack: my stack\n");

        Assert.Equal(DiagnosticCodes.InvalidName, diagnostic.Code);
        Assert.Equal("\"my stack\" is not a valid name", diagnostic.Message);
        Assert.Equal(At(1, 8), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_ProviderAlias_IsAccepted()
    {
        var (spec, diagnostics) = Parse("providers:\n  s3: {}\n  s3.dr: { region: eu-west-2 }\n");

        AssertClean(diagnostics);
        Assert.Equal(["s3", "s3.dr"], spec.Providers.Select(p => p.Name));
        Assert.Equal("s3", spec.Providers[1].Family);
    }

    [Theory]
    [InlineData("s3.")]
    [InlineData(".dr")]
    [InlineData("s3.dr.x")]
    public void Check_MalformedProviderAlias_IsRefused(string name)
    {
        var diagnostic = Problem($"providers:\n  \"{name}\": {{}}\n");

        Assert.Equal(DiagnosticCodes.InvalidName, diagnostic.Code);
        Assert.Equal($"\"{name}\" is not a valid provider name", diagnostic.Message);
        Assert.EndsWith("; an instance is family.alias", diagnostic.Help, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_BadDuration_ShowsTheText() =>
        Assert.Equal(
            "timeout of step \"s\" must be a duration such as 500ms, 30s or 1h30m, not \"5 minutes\"",
            Problem(Step + "        timeout: 5 minutes\n").Message);

    [Fact]
    public void Check_FractionalInteger_IsRefused() =>
        Assert.Equal("concurrency of step \"s\" must be a whole number, not \"2.5\"", Problem(Step + "        concurrency: 2.5\n").Message);

    [Fact]
    public void Check_YesForBoolean_IsRefused() =>
        Assert.Equal(
            "sensitive of variable \"x\" must be true or false, not \"yes\"",
            Problem("variables:\n  x:\n    sensitive: yes\n").Message);

    [Fact]
    public void Check_TypeNameTypo_IsUnknownTypeWithSuggestion()
    {
        var diagnostic = Problem("variables:\n  x:\n    type: strin\n");

        Assert.Equal(DiagnosticCodes.UnknownType, diagnostic.Code);
        Assert.Equal("\"strin\" is not a type", diagnostic.Message);
        Assert.Equal("did you mean \"string\"?", diagnostic.Help);
    }

    [Fact]
    public void Check_KeyGivenTwice_PointsAtBoth()
    {
        var diagnostic = Problem("resources:\n  db:\n    type: a.b\n    type: c.d\n");

        Assert.Equal(DiagnosticCodes.DuplicateName, diagnostic.Code);
        Assert.Equal("the key \"type\" is given twice in resource \"db\"", diagnostic.Message);
        Assert.Equal(At(4, 5), diagnostic.Span!.Start);
        var note = Assert.Single(diagnostic.Notes);
        Assert.Equal("first given here", note.Message);
        Assert.Equal(At(3, 5), note.Span!.Start);
    }

    [Fact]
    public void Check_ResourceDefinedTwiceInOneFile_KeepsTheFirst()
    {
        var (spec, diagnostics) = Parse("resources:\n  db:\n    type: a.b\n  db:\n    type: c.d\n");
        var diagnostic = Single(diagnostics);

        Assert.Equal("the resource \"db\" is defined twice", diagnostic.Message);
        Assert.Equal(At(2, 3), diagnostic.Notes[0].Span!.Start);
        Assert.Equal("a.b", Assert.Single(spec.Resources).Type);
    }

    [Fact]
    public void Check_EmptySections_AreAccepted() =>
        AssertClean(Parse("variables:\nresources: ~\noutputs:\n").Diagnostics);

    [Fact]
    public void Check_OverrideAfterMergeKey_IsNotADuplicate()
    {
        var (spec, diagnostics) = Parse(
            "resources:\n  web: &web\n    type: sim.resource\n    description: first\n  web2:\n    <<: *web\n    description: second\n");

        AssertClean(diagnostics);
        Assert.Equal(["first", "second"], spec.Resources.Select(r => r.Description));
        Assert.Equal("sim.resource", spec.Resources[1].Type);
    }
}
