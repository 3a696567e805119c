using System.CommandLine;
using Baton.Cli.Output;
using Baton.Diagnostics;
using Baton.Engine;
using Baton.Engine.Workflows;
using Baton.Engine.Applying;
using Baton.Engine.Planning;
using Baton.Binding;
using Baton.Plans;
using Baton.Spec;

namespace Baton.Cli.Commands;

/// <summary><c>baton apply</c> and <c>baton destroy</c>: plan (or read a saved plan), confirm, and carry it out with live progress.</summary>
internal static class ApplyCommand
{
    public const int Interrupted = 130;

    public static Command Create(CliContext context, bool destroy, string? name = null)
    {
        var stack = new StackArguments();
        stack.Directory.Description = destroy ? "The stack directory" : "The stack directory, or a plan file saved by baton plan -out";
        var engine = new EngineArguments();
        var autoApprove = new Option<bool>("--auto-approve") { Description = "Do not ask for confirmation" };
        var target = new Option<string[]>("--target") { Description = "Apply only this resource or instance and what it depends on (repeatable)", HelpName = "ADDRESS" };
        var command = destroy
            ? new Command(name ?? "destroy", name is null ? "Delete every resource of the stack, in reverse dependency order." : "Stop what baton up started: delete every resource of the stack, in reverse dependency order (asks first unless --auto-approve).")
            : new Command("apply", "Make the resources match the stack: plan, confirm, then create, update and delete in dependency order, in parallel.");
        stack.AddTo(command);
        engine.AddTo(command);
        command.Options.Add(autoApprove);
        if (!destroy)
        {
            command.Options.Add(target);
        }

        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            var argument = parse.GetValue(stack.Directory) ?? ".";
            var planFile = !destroy && File.Exists(context.Resolve(argument)) ? context.Resolve(argument) : null;
            using var interrupts = new Interrupts(context, context.Interactive);
            return planFile is not null
                ? await ApplySavedAsync(parse, context, engine, planFile, interrupts, cancellationToken)
                : await PlanAndApplyAsync(parse, context, stack, engine, destroy, parse.GetValue(autoApprove), parse.GetValue(target) ?? [], interrupts, cancellationToken);
        }));
        return command;
    }

    internal static async Task<int> PlanAndApplyAsync(
        ParseResult parse,
        CliContext context,
        StackArguments stack,
        EngineArguments engine,
        bool destroy,
        bool autoApprove,
        string[] targets,
        Interrupts interrupts,
        CancellationToken cancellationToken)
    {
        var loaded = Workspace.LoadChecked(parse, context, stack, requireVariables: !destroy);
        if (loaded is null)
        {
            return ExitCodes.Error;
        }

        var directory = Workspace.StackDirectory(parse, context, stack);
        var (stores, protector) = await Workspace.OpenStoreAsync(parse, context, engine, directory, cancellationToken);
        await using var storeScope = stores;
        using var protectorScope = protector;
        await using var session = new StackSession(loaded.Bound!, directory, stores.State, stores.Locks, stores.Applies, Workspace.Registry, new StackFileHost(directory), TimeProvider.System);
        await using var holder = await session.LockAsync(destroy ? "destroy" : "apply", engine.LockWait(parse), cancellationToken);
        var recovered = await session.RecoverAsync(holder, cancellationToken);
        foreach (var message in recovered.Messages)
        {
            context.Error.WriteLine($"recovered: {message}");
        }

        var diagnostics = new DiagnosticBag();
        var options = new PlanOptions
        {
            Destroy = destroy,
            Parallelism = parse.GetValue(engine.Parallelism),
            Targets = new HashSet<string>(targets, StringComparer.Ordinal),
        };
        var (plan, state, _) = await session.PlanAsync(options, parse.GetValue(engine.Refresh), diagnostics, cancellationToken);
        DiagnosticPrinter.Print(context, diagnostics.Sorted(), loaded.Spec!.Files);
        if (diagnostics.HasErrors)
        {
            return ExitCodes.Error;
        }

        context.Out.Write(PlanRenderer.Render(plan, context.OutColor));
        if (!plan.HasChanges)
        {
            return ExitCodes.Ok;
        }

        if (!autoApprove && context.Interactive && !Confirm(context, destroy))
        {
            context.Out.WriteLine("Nothing was changed.");
            return ExitCodes.Error;
        }

        var code = await ApplyAsync(context, session, holder, plan, state, parse.GetValue(engine.Parallelism), interrupts);
        if (!destroy && loaded.Spec!.Workflows.Any(w => w.Triggers.Any(t => t.Event is WorkflowTriggers.ApplyFinished or WorkflowTriggers.ApplyFailed)))
        {
            await using var env = await RunEnvironment.OpenAsync(parse, context, stack, engine, loaded, cancellationToken);
            await env.TriggerAsync(code == ExitCodes.Ok ? WorkflowTriggers.ApplyFinished : WorkflowTriggers.ApplyFailed, null, cancellationToken);
        }

        return code;
    }

    private static async Task<int> ApplySavedAsync(ParseResult parse, CliContext context, EngineArguments engine, string planPath, Interrupts interrupts, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(planPath, cancellationToken);
        using var peek = System.Text.Json.JsonDocument.Parse(text);
        var directory = peek.RootElement.TryGetProperty("directory", out var d) ? d.GetString() ?? "." : ".";
        using var protector = Workspace.Protector(context, directory, Workspace.StatePath(parse, engine, directory));
        var saved = PlanFile.FromJson(text, protector);
        var diagnostics = new DiagnosticBag();
        var spec = StackLoader.Load(saved.Directory, saved.Directory, diagnostics);
        if (spec is null || diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(context, diagnostics.Sorted(), spec?.Files ?? []);
            return ExitCodes.Error;
        }

        if (PlanFile.HashSources(spec.Files) != saved.SourceHash)
        {
            throw new CliException($"the stack files in {saved.Directory} changed after the plan was saved; make a new plan");
        }

        var inputs = saved.Variables.Select(v => new VariableInput { Name = v.Key, Value = v.Value, Source = VariableSource.CommandLine, Origin = "the plan file" }).ToList();
        var bound = StackBinder.Bind(spec, inputs, new StackFileHost(saved.Directory), new BindOptions { RequireAllVariables = true }, diagnostics);
        if (diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(context, diagnostics.Sorted(), spec.Files);
            return ExitCodes.Error;
        }

        var (stores, storeProtector) = await Workspace.OpenStoreAsync(parse, context, engine, saved.Directory, cancellationToken);
        await using var storeScope = stores;
        using var storeProtectorScope = storeProtector;
        await using var session = new StackSession(bound, saved.Directory, stores.State, stores.Locks, stores.Applies, Workspace.Registry, new StackFileHost(saved.Directory), TimeProvider.System);
        if (!await session.StartProvidersAsync(saved.Plan.Changes.Select(c => c.Provider), diagnostics, cancellationToken))
        {
            DiagnosticPrinter.Print(context, diagnostics.Sorted(), spec.Files);
            return ExitCodes.Error;
        }

        await using var holder = await session.LockAsync("apply", engine.LockWait(parse), cancellationToken);
        var state = await stores.State.LoadAsync(session.Name, cancellationToken);
        var pending = await stores.State.PendingIntentsAsync(session.Name, cancellationToken);
        if (state.Serial != saved.Plan.Serial || pending.Count > 0)
        {
            throw new CliException($"the state moved since the plan was saved (serial {saved.Plan.Serial}, now {state.Serial}{(pending.Count > 0 ? ", with interrupted operations to recover" : string.Empty)}); make a new plan");
        }

        context.Out.Write(PlanRenderer.Render(saved.Plan, context.OutColor));
        return await ApplyAsync(context, session, holder, saved.Plan, state, parse.GetValue(engine.Parallelism), interrupts);
    }

    private static bool Confirm(CliContext context, bool destroy)
    {
        context.Out.Write(destroy
            ? "\nDestroy every resource of this stack? Only 'yes' will be accepted: "
            : "\nApply these changes? Only 'yes' will be accepted: ");
        return string.Equals(context.In.ReadLine()?.Trim(), "yes", StringComparison.Ordinal);
    }

    private static async Task<int> ApplyAsync(CliContext context, StackSession session, LockHolder holder, Plan plan, State.StackState state, int parallelism, Interrupts interrupts)
    {
        var operations = plan.Changes.Count(c => c.Action != ChangeAction.NoOp);
        context.Out.WriteLine();
        ApplyResult result;
        if (context.OutColor && context.Interactive)
        {
            await using var live = new LiveProgress(context.Out, operations);
            result = await session.ApplyAsync(holder, plan, state, new ApplyOptions { Parallelism = parallelism }, live, interrupts.Stop, interrupts.Abort);
        }
        else
        {
            result = await session.ApplyAsync(holder, plan, state, new ApplyOptions { Parallelism = parallelism }, new LineProgress(context.Out), interrupts.Stop, interrupts.Abort);
        }

        context.Out.WriteLine();
        var failures = result.Operations.Where(o => o.Outcome == OperationOutcome.Failed).ToList();
        foreach (var (change, _, error) in failures)
        {
            context.Error.WriteLine($"error: {change.Key}: {LineProgress.Verb(change.Action)} failed: {error}");
        }

        foreach (var (notification, _, error) in result.Notifications.Where(n => n.Outcome == OperationOutcome.Failed))
        {
            context.Error.WriteLine($"error: {notification.Target}: {notification.Verb} failed: {error}; it stays queued for the next apply");
        }

        context.Out.WriteLine($"{(plan.IsDestroy ? "Destroy" : "Apply")} {(result.Succeeded ? "complete" : interrupts.Stopped ? "interrupted" : "failed")}: {StackSession.Summary(result)}.");
        if (result.Succeeded && !plan.IsDestroy)
        {
            OutputCommand.Print(context, result.Outputs, showSensitive: false);
        }

        return interrupts.Stopped ? Interrupted : result.Succeeded ? ExitCodes.Ok : ExitCodes.Error;
    }
}
