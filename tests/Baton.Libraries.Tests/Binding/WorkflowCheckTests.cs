using Baton.Diagnostics;
using static Baton.Libraries.Tests.Language.Spec.StackText;

namespace Baton.Libraries.Tests.Binding;

public sealed class WorkflowCheckTests
{
    private const string Head = "resources:\n  db:\n    type: pg.db\nworkflows:\n";

    /// <summary>A workflow "w" whose step "d" runs after c, c after b and b after a.</summary>
    private static string Chain(string dWith, string extra = "") =>
        Head +
        "  w:\n" +
        "    inputs:\n      keep: { type: int, default: 3 }\n" +
        "    steps:\n" +
        "      a: { uses: pg.dump }\n" +
        "      b: { uses: pg.dump, needs: [a] }\n" +
        "      c: { uses: pg.dump, needs: [b] }\n" +
        "      d:\n        uses: s3.put\n        needs: [c]\n        with: { x: \"" + dWith + "\" }\n" +
        extra;

    private static Diagnostic Problem(string yaml) => Single(Bind(yaml).Diagnostics);

    [Fact]
    public void Check_GrandAncestorOutputs_AreVisible() =>
        AssertClean(Bind(Chain("${steps.a.outputs.file} ${steps.b.status} ${steps.c.error}")).Diagnostics);

    [Fact]
    public void Check_InputsAndRun_AreVisibleInSteps() =>
        AssertClean(Bind(Chain("${inputs.keep} ${run.id} ${run.attempt} ${var.x}", "variables:\n  x: { default: 1 }\n")).Diagnostics);

    [Fact]
    public void Check_StepNotInNeeds_IsStepNotNeeded()
    {
        var diagnostic = Problem(Chain("x", "      e:\n        uses: exec\n        with: { x: \"${steps.a.outputs.file}\" }\n"));

        Assert.Equal(DiagnosticCodes.StepNotNeeded, diagnostic.Code);
        Assert.Equal("step \"e\" reads the outputs of step \"a\", which is not in its needs", diagnostic.Message);
        Assert.Equal("add \"a\" to needs: of step \"e\", so it runs first", diagnostic.Help);
    }

    [Fact]
    public void Check_DescendantOutputs_AreNotVisible() =>
        Assert.Equal(
            "step \"a\" reads the outputs of step \"d\", which is not in its needs",
            Problem(Head + "  w:\n    steps:\n      a: { uses: exec, with: { x: \"${steps.d.outputs}\" } }\n      d: { uses: exec, needs: [a] }\n").Message);

    [Fact]
    public void Check_OwnOutputs_AreNotVisible()
    {
        var diagnostic = Problem(Head + "  w:\n    steps:\n      a: { uses: exec, with: { x: \"${steps.a.outputs}\" } }\n");

        Assert.Equal("step \"a\" cannot read its own outputs", diagnostic.Message);
        Assert.Null(diagnostic.Help);
    }

    [Fact]
    public void Check_OnExitStep_MayReadAnyStep() =>
        AssertClean(Bind(Chain("x", "    on_exit:\n      notify: { uses: exec, with: { x: \"${steps.a.status} ${steps.d.error}\" } }\n")).Diagnostics);

    [Fact]
    public void Check_CompensateWith_MayReadItsOwnStep() =>
        AssertClean(Bind(Head + "  w:\n    steps:\n      a:\n        uses: pg.dump\n        compensate:\n          uses: pg.drop\n          with: { file: \"${steps.a.outputs.file}\" }\n").Diagnostics);

    [Fact]
    public void Check_CompensateWith_CannotReadUnneededStep() =>
        Assert.Equal(
            DiagnosticCodes.StepNotNeeded,
            Problem(Head + "  w:\n    steps:\n      z: { uses: exec }\n      a:\n        uses: pg.dump\n        compensate:\n          uses: pg.drop\n          with: { file: \"${steps.z.outputs}\" }\n").Code);

    [Fact]
    public void Check_UnknownStepAttribute_ListsTheAttributes()
    {
        var diagnostic = Problem(Chain("${steps.c.outptus}"));

        Assert.Equal(DiagnosticCodes.UnknownStep, diagnostic.Code);
        Assert.Equal("a step has no attribute \"outptus\"; it has outputs, status, error", diagnostic.Message);
        Assert.Equal("did you mean \"outputs\"?", diagnostic.Help);
    }

    [Fact]
    public void Check_UnknownStep_SuggestsAStep() =>
        Assert.Equal("workflow \"w\" has no step \"cc\"", Problem(Chain("${steps.cc.outputs}")).Message);

    [Fact]
    public void Check_UnknownInput_SuggestsTheInput()
    {
        var diagnostic = Problem(Chain("${inputs.kep}"));

        Assert.Equal(DiagnosticCodes.UnknownInput, diagnostic.Code);
        Assert.Equal("workflow \"w\" has no input \"kep\"", diagnostic.Message);
        Assert.Equal("did you mean \"keep\"?", diagnostic.Help);
    }

    [Fact]
    public void Check_RunUnknownAttribute_IsNotAvailable() =>
        Assert.Equal(
            "run has no attribute \"stak\"; it has id, workflow, stack, started_at, trigger, attempt",
            Problem(Chain("${run.stak}")).Message);

    [Fact]
    public void Check_TriggerOnUnknownResource_SuggestsAResource()
    {
        var diagnostic = Problem(Head + "  w:\n    triggers:\n      - { event: resource.unhealthy, resource: dbb }\n    steps:\n      a: { uses: exec }\n");

        Assert.Equal(DiagnosticCodes.UnknownResource, diagnostic.Code);
        Assert.Equal("unknown resource \"dbb\"", diagnostic.Message);
        Assert.Equal("did you mean \"db\"?", diagnostic.Help);
        Assert.Equal(At(7, 48), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_TriggerOnUnknownWorkflow_IsUnknownWorkflow()
    {
        var diagnostic = Problem(Head + "  w:\n    triggers:\n      - { event: workflow.failed, workflow: x }\n    steps:\n      a: { uses: exec }\n");

        Assert.Equal(DiagnosticCodes.UnknownWorkflow, diagnostic.Code);
        Assert.Equal("did you mean \"w\"?", diagnostic.Help);
    }

    [Fact]
    public void Check_WorkflowRunOfUnknownWorkflow_IsUnknownWorkflow()
    {
        var diagnostic = Problem(Head + "  deploy:\n    steps:\n      go: { uses: workflow.run, with: { workflow: deplyo } }\n");

        Assert.Equal(DiagnosticCodes.UnknownWorkflow, diagnostic.Code);
        Assert.Equal("unknown workflow \"deplyo\"", diagnostic.Message);
        Assert.Equal("did you mean \"deploy\"?", diagnostic.Help);
    }

    [Fact]
    public void Check_WorkflowRunOfKnownWorkflow_IsAccepted() =>
        AssertClean(Bind(Head + "  deploy:\n    steps:\n      go: { uses: workflow.run, with: { workflow: backup } }\n  backup:\n    steps:\n      a: { uses: exec }\n").Diagnostics);

    [Theory]
    [InlineData("0 2 * * *")]
    [InlineData("*/10 0 2 * * *")]
    [InlineData("@daily")]
    [InlineData("15 3 * * MON-FRI")]
    public void Check_ValidSchedule_IsAccepted(string cron) =>
        AssertClean(Bind(Head + $"  w:\n    schedule: \"{cron}\"\n    steps:\n      a: {{ uses: exec }}\n").Diagnostics);

    [Theory]
    [InlineData("61 * * * *")]
    [InlineData("every day")]
    [InlineData("* * *")]
    [InlineData("0 0 0 2 * * *")]
    public void Check_InvalidSchedule_IsRefusedAtTheSchedule(string cron)
    {
        var diagnostic = Problem(Head + $"  w:\n    schedule: \"{cron}\"\n    steps:\n      a: {{ uses: exec }}\n");

        Assert.Equal(DiagnosticCodes.InvalidSchedule, diagnostic.Code);
        Assert.StartsWith($"\"{cron}\" is not a cron schedule: ", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(At(6, 15), diagnostic.Span!.Start);
    }

    [Fact]
    public void Check_ActionWithWrongCase_SuggestsTheBuiltIn()
    {
        var diagnostic = Problem(Head + "  w:\n    steps:\n      a: { uses: Exec }\n");

        Assert.Equal(DiagnosticCodes.InvalidAction, diagnostic.Code);
        Assert.Equal("did you mean \"exec\"?", diagnostic.Help);
    }

    [Fact]
    public void Check_StepIdInStepsAndOnExit_IsDuplicate()
    {
        var diagnostic = Problem(Head + "  w:\n    steps:\n      a: { uses: exec }\n    on_exit:\n      a: { uses: exec }\n");

        Assert.Equal(DiagnosticCodes.DuplicateName, diagnostic.Code);
        Assert.Equal("workflow \"w\" has two steps named \"a\"", diagnostic.Message);
        Assert.Equal(At(9, 7), diagnostic.Span!.Start);
        Assert.Equal(At(7, 7), diagnostic.Notes[0].Span!.Start);
    }
}
