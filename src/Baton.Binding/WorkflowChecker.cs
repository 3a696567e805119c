using System.Text.RegularExpressions;
using Baton.Diagnostics;
using Baton.Graph;
using Baton.Spec.Declarations;
using Baton.Text;
using Baton.Values;
using Cronos;

namespace Baton.Binding;

/// <summary>
/// Checks workflows: step ids and <c>needs</c>, cycles among steps, actions, schedules, triggers, and that a step reads
/// only the outputs of steps it (transitively) needs, since only those are sure to have finished.
/// </summary>
internal static partial class WorkflowChecker
{

    public static void Check(StackSpec spec, ReferenceChecker references, DiagnosticBag diagnostics)
    {
        var resourceNames = spec.Resources.Select(r => r.Name).ToList();
        var workflowNames = spec.Workflows.Select(w => w.Name).ToList();
        foreach (var workflow in spec.Workflows)
        {
            CheckWorkflow(workflow, resourceNames, workflowNames, references, diagnostics);
        }
    }

    private static void CheckWorkflow(WorkflowSpec workflow, List<string> resourceNames, List<string> workflowNames, ReferenceChecker references, DiagnosticBag diagnostics)
    {
        var all = new Dictionary<string, StepSpec>(StringComparer.Ordinal);
        foreach (var step in workflow.Steps.Concat(workflow.OnExit))
        {
            if (!all.TryAdd(step.Id, step))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.DuplicateName, $"workflow \"{workflow.Name}\" has two steps named \"{step.Id}\"", step.IdSpan)
                    .WithNote("first defined here", all[step.Id].IdSpan));
            }
        }

        if (workflow.Schedule is { } schedule)
        {
            CheckSchedule(schedule, diagnostics);
        }

        if (workflow.TimeZone is { } zone && !Schedules.TryFindTimeZone(zone.Name, out _))
        {
            diagnostics.Error(DiagnosticCodes.InvalidSchedule, $"\"{zone.Name}\" is not a time zone this machine knows", zone.Span, "use an IANA name such as UTC, Europe/Berlin or America/New_York");
        }

        foreach (var trigger in workflow.Triggers)
        {
            if (trigger.Resource is { } resource && !resourceNames.Contains(resource.Name))
            {
                diagnostics.Error(DiagnosticCodes.UnknownResource, $"unknown resource \"{resource.Name}\"", resource.Span, Suggestions.DidYouMean(resource.Name, resourceNames));
            }

            if (trigger.Workflow is { } other && !workflowNames.Contains(other.Name))
            {
                diagnostics.Error(DiagnosticCodes.UnknownWorkflow, $"unknown workflow \"{other.Name}\"", other.Span, Suggestions.DidYouMean(other.Name, workflowNames));
            }
        }

        // The needs graph: an edge from a step to each step it needs.
        var steps = all.Values.ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var builder = new DependencyGraphBuilder<StepSpec>(steps.Count, steps.Count);
        foreach (var step in steps)
        {
            index[step.Id] = builder.AddNode(step);
        }

        foreach (var step in steps)
        {
            foreach (var need in step.Needs)
            {
                if (index.TryGetValue(need.Name, out var target))
                {
                    builder.AddEdge(index[step.Id], target);
                }
                else
                {
                    diagnostics.Error(
                        DiagnosticCodes.UnknownStep,
                        $"step \"{step.Id}\" needs \"{need.Name}\", which is not a step of workflow \"{workflow.Name}\"",
                        need.Span,
                        Suggestions.DidYouMean(need.Name, index.Keys));
                }
            }

            CheckAction(step.Uses, workflowNames, step, diagnostics);
            if (step.Compensate is { } compensate)
            {
                CheckAction(compensate.Uses, workflowNames, null, diagnostics);
            }
        }

        var graph = builder.Build();
        foreach (var cycle in graph.FindCycles())
        {
            var ids = cycle.Path.Select(n => graph[n].Id).ToList();
            var diagnostic = Diagnostic.Error(
                DiagnosticCodes.StepCycle,
                ids.Count == 1 ? $"step \"{ids[0]}\" needs itself" : $"steps need each other in a cycle: {string.Join(" → ", ids.Append(ids[0]))}",
                graph[cycle.Path[0]].IdSpan);
            for (var i = 0; i < ids.Count; i++)
            {
                var from = all[ids[i]];
                var to = ids[(i + 1) % ids.Count];
                var span = from.Needs.FirstOrDefault(n => n.Name == to)?.Span ?? from.IdSpan;
                diagnostic = diagnostic.WithNote($"\"{from.Id}\" (line {from.IdSpan.Start.Line}) needs \"{to}\" here", span);
            }

            diagnostics.Add(diagnostic);
        }

        var baseContext = new ReferenceContext { Where = $"workflow \"{workflow.Name}\"", Workflow = workflow };
        foreach (var input in workflow.Inputs)
        {
            foreach (var rule in input.Validations)
            {
                references.Check(rule.Condition, baseContext with { Where = $"input \"{input.Name}\"", VisibleSteps = new HashSet<string>() });
            }
        }

        foreach (var step in steps)
        {
            // on_exit steps run after everything else, so every step's outputs are there to read (or its failure).
            var visible = step.IsOnExit ? null : Ancestors(graph, index[step.Id]);
            var context = baseContext with
            {
                Where = $"step \"{step.Id}\"",
                Step = step,
                VisibleSteps = visible,
                AllowEach = step.ForEach is not null,
            };
            references.Check(step.With, context);
            references.Check(step.If, context);
            references.Check(step.ForEach, context with { AllowEach = false });
            if (step.Compensate is { } compensate)
            {
                // Compensation runs after the step finished, so it may read the step's own outputs.
                var withSelf = visible is null ? null : new HashSet<string>(visible) { step.Id };
                references.Check(compensate.With, context with { VisibleSteps = withSelf });
            }
        }

        references.Check(workflow.Outputs, baseContext with { Where = $"the outputs of workflow \"{workflow.Name}\"" });
    }

    private static HashSet<string> Ancestors(DependencyGraph<StepSpec> graph, int node)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            foreach (var dependency in graph.Dependencies(stack.Pop()))
            {
                if (seen.Add(dependency))
                {
                    stack.Push(dependency);
                }
            }
        }

        seen.Remove(node);
        return [.. seen.Select(n => graph[n].Id)];
    }

    private static void CheckAction(NameReference uses, List<string> workflowNames, StepSpec? step, DiagnosticBag diagnostics)
    {
        if (BuiltInActions.All.Contains(uses.Name))
        {
            if (uses.Name == BuiltInActions.WorkflowRun && step?.With is Expressions.MapExpression with)
            {
                var target = with.Entries.FirstOrDefault(e => e.Key is Expressions.LiteralExpression { Value.Kind: ValueKind.String } key && key.Value.AsString() == "workflow");
                if (target?.Value is Expressions.LiteralExpression { Value.Kind: ValueKind.String } name && !workflowNames.Contains(name.Value.AsString()))
                {
                    diagnostics.Error(
                        DiagnosticCodes.UnknownWorkflow,
                        $"unknown workflow \"{name.Value.AsString()}\"",
                        name.Span,
                        Suggestions.DidYouMean(name.Value.AsString(), workflowNames));
                }
            }

            return;
        }

        if (!ActionPattern().IsMatch(uses.Name))
        {
            diagnostics.Error(
                DiagnosticCodes.InvalidAction,
                $"\"{uses.Name}\" is not an action: use provider.action (such as postgres.dump) or a built-in",
                uses.Span,
                Suggestions.DidYouMean(uses.Name, BuiltInActions.All) ?? "built-ins are " + string.Join(", ", BuiltInActions.All));
        }
    }

    private static void CheckSchedule(NameReference schedule, DiagnosticBag diagnostics)
    {
        try
        {
            _ = Schedules.ParseCron(schedule.Name);
        }
        catch (CronFormatException ex)
        {
            diagnostics.Error(
                DiagnosticCodes.InvalidSchedule,
                $"\"{schedule.Name}\" is not a cron schedule: {CronMessage(ex)}",
                schedule.Span,
                "write five fields, minute hour day-of-month month day-of-week, as in \"0 2 * * *\" (or six with seconds first, or @daily)");
        }
    }

    private static string CronMessage(CronFormatException ex)
    {
        const string Prefix = "The given cron expression has an invalid format.";
        var message = ex.Message.StartsWith(Prefix, StringComparison.Ordinal) ? ex.Message[Prefix.Length..].Trim() : ex.Message;
        return message.Length == 0 ? "invalid format" : char.ToLowerInvariant(message[0]) + message[1..].TrimEnd('.');
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*\\.[a-z][a-z0-9_-]*$")]
    private static partial Regex ActionPattern();
}
