using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Output;
using Baton.Diagnostics;
using Baton.Engine.Workflows;
using Baton.Binding;
using Baton.Runs;
using Baton.Spec;
using Baton.Text;
using Baton.Values;

namespace Baton.Cli.Commands;

/// <summary>
/// The workflow commands: <c>run</c>, <c>runs</c> (and <c>runs show</c>), <c>approve</c>, <c>cancel</c>, <c>retry</c>,
/// <c>resume</c>. Runs live in the stack's state store beside its resources.
/// </summary>
internal static class RunCommands
{
    public static Command Run(CliContext context)
    {
        var workflow = new Argument<string>("WORKFLOW") { Description = "The workflow to run" };
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var inputs = new Option<string[]>("--input") { Description = "Set an input: --input name=value (repeatable)", HelpName = "NAME=VALUE", AllowMultipleArgumentsPerToken = false };
        var detach = new Option<bool>("--detach") { Description = "Start the run in a background worker process and return at once (its output goes to .baton/runs/RUN.log)" };
        var command = new Command("run", "Start a run of a workflow and follow it to the end: exit 0 when it succeeds, 1 when it fails or is cancelled.");
        command.Arguments.Add(workflow);
        stack.AddTo(command);
        engine.AddTo(command, planning: false);
        command.Options.Add(inputs);
        command.Options.Add(detach);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            var loaded = Workspace.LoadChecked(parse, context, stack, requireVariables: true);
            if (loaded is null)
            {
                return ExitCodes.Error;
            }

            var name = parse.GetValue(workflow)!;
            var spec = loaded.Spec!.Workflows.FirstOrDefault(w => w.Name == name)
                ?? throw new CliException($"there is no workflow \"{name}\"{Suggestions.DidYouMean(name, loaded.Spec.Workflows.Select(w => w.Name)) switch { { } help => "; " + help, null => "" }}");
            var diagnostics = new DiagnosticBag();
            var given = (parse.GetValue(inputs) ?? []).Select(a => VariableInputs.FromAssignment(a, diagnostics)).OfType<VariableInput>().ToList();
            var values = WorkflowInputs.Bind(spec, given, new StackFileHost(Workspace.StackDirectory(parse, context, stack)), diagnostics);
            if (diagnostics.HasErrors)
            {
                DiagnosticPrinter.Print(context, diagnostics.Sorted(), loaded.Spec.Files);
                return ExitCodes.Error;
            }

            await using var env = await RunEnvironment.OpenAsync(parse, context, stack, engine, loaded, cancellationToken);
            var run = await env.Runtime.CreateRunAsync(loaded.Spec, name, Value.Map(values), "manual", cancellationToken);
            if (parse.GetValue(detach))
            {
                var pid = await env.DetachAsync(run, parse, stack, engine, Workspace.StackDirectory(parse, context, stack), cancellationToken);
                context.Out.WriteLine($"Run {run.Id} of {name} started in the background (worker pid {pid}); see it with: baton runs show {run.Id}");
                return ExitCodes.Ok;
            }

            context.Out.WriteLine($"Run {run.Id} of {name} started.");
            return await env.FollowAsync(run.Id, cancellationToken);
        }));
        return command;
    }

    public static Command Runs(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var workflow = new Option<string?>("--workflow") { Description = "Only runs of this workflow" };
        var status = new Option<string?>("--status") { Description = "Only runs in this status: pending, running, compensating, succeeded, failed, cancelled" };
        var limit = new Option<int>("--limit") { Description = "At most this many runs", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print as JSON" };
        var command = new Command("runs", "List the stack's workflow runs, newest first.");
        command.Arguments.Add(stack.Directory);
        engine.AddTo(command, planning: false);
        command.Options.Add(workflow);
        command.Options.Add(status);
        command.Options.Add(limit);
        command.Options.Add(json);
        command.Subcommands.Add(Show(context));
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            RunStatus? wanted = null;
            if (parse.GetValue(status) is { } text)
            {
                wanted = Enum.TryParse<RunStatus>(text, ignoreCase: true, out var parsed)
                    ? parsed
                    : throw new CliException($"--status \"{text}\" is not a run status; use {string.Join(", ", Enum.GetNames<RunStatus>().Select(n => n.ToLowerInvariant()))}");
            }

            var (name, store, scope) = await OpenAsync(parse, context, stack, engine, cancellationToken);
            await using var _ = scope;
            var runs = await store.ListRunsAsync(new RunQuery { Stack = name, Workflow = parse.GetValue(workflow), Status = wanted, Limit = parse.GetValue(limit) }, cancellationToken);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(JsonSerializer.Serialize(runs.Select(r => new Dictionary<string, object?>
                {
                    ["id"] = r.Id,
                    ["workflow"] = r.Workflow,
                    ["status"] = r.Status.ToString().ToLowerInvariant(),
                    ["trigger"] = r.Trigger,
                    ["created_at"] = r.CreatedAt,
                    ["finished_at"] = r.FinishedAt,
                    ["error"] = r.Error,
                })));
                return ExitCodes.Ok;
            }

            if (runs.Count == 0)
            {
                context.Out.WriteLine("No runs.");
                return ExitCodes.Ok;
            }

            context.Out.WriteLine($"{"RUN",-33} {"WORKFLOW",-16} {"STATUS",-13} {"STARTED",-20} {"TOOK",8}  TRIGGER");
            foreach (var run in runs)
            {
                var took = (run.FinishedAt ?? DateTimeOffset.UtcNow) - run.CreatedAt;
                context.Out.WriteLine($"{run.Id,-33} {run.Workflow,-16} {run.Status.ToString().ToLowerInvariant(),-13} {run.CreatedAt.UtcDateTime,-20:yyyy-MM-dd HH:mm:ss} {Durations.Format(took),8}  {run.Trigger}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var id = new Argument<string>("RUN") { Description = "The run's id" };
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var json = new Option<bool>("--json") { Description = "Print the run, its steps and its events as JSON (sensitive values redacted)" };
        var command = new Command("show", "Show a run: its steps with status, attempts, durations, outputs (sensitive values redacted), errors and history.");
        command.Arguments.Add(id);
        command.Arguments.Add(stack.Directory);
        engine.AddTo(command, planning: false);
        command.Options.Add(json);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            var (_, store, scope) = await OpenAsync(parse, context, stack, engine, cancellationToken);
            await using var _ = scope;
            var runId = parse.GetValue(id)!;
            var run = await RunControl.GetAsync(store, runId, cancellationToken);
            var steps = await store.GetStepsAsync(runId, cancellationToken);
            var events = await store.ReadRunEventsAsync(runId, 0, 10_000, cancellationToken);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(RunRendering.Json(run, steps, events));
            }
            else
            {
                context.Out.Write(RunRendering.Text(run, steps, events));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Approve(CliContext context)
    {
        var id = new Argument<string>("RUN") { Description = "The run's id" };
        var step = new Argument<string>("STEP") { Description = "The approval step" };
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var reject = new Option<bool>("--reject") { Description = "Reject instead: the step fails and the run compensates" };
        var comment = new Option<string?>("--comment") { Description = "Why, recorded in the run's history" };
        var command = new Command("approve", "Approve (or --reject) a step that waits for approval.");
        command.Arguments.Add(id);
        command.Arguments.Add(step);
        command.Arguments.Add(stack.Directory);
        engine.AddTo(command, planning: false);
        command.Options.Add(reject);
        command.Options.Add(comment);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            var (_, store, scope) = await OpenAsync(parse, context, stack, engine, cancellationToken);
            await using var _ = scope;
            var runId = parse.GetValue(id)!;
            var key = parse.GetValue(step)!;
            var signal = await RunControl.DecideAsync(store, runId, key, !parse.GetValue(reject), Who(context), parse.GetValue(comment), TimeProvider.System, cancellationToken);
            var kind = signal.Kind;
            context.Out.WriteLine($"{(kind == RunSignalKind.Approve ? "Approved" : "Rejected")} {key} of run {runId}.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Cancel(CliContext context)
    {
        var id = new Argument<string>("RUN") { Description = "The run's id" };
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var comment = new Option<string?>("--comment") { Description = "Why, recorded in the run's history" };
        var command = new Command("cancel", "Cancel a run: running steps are stopped through their tokens, then completed steps are compensated and on_exit steps run.");
        command.Arguments.Add(id);
        stack.AddTo(command);
        engine.AddTo(command, planning: false);
        command.Options.Add(comment);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            await using var env = await RunEnvironment.LoadAsync(parse, context, stack, engine, cancellationToken);
            if (env is null)
            {
                return ExitCodes.Error;
            }

            var runId = parse.GetValue(id)!;
            var run = await RunControl.RequestCancelAsync(env.Store, runId, Who(context), parse.GetValue(comment), TimeProvider.System, cancellationToken);
            if (RunControl.IsHeldByLiveWorker(run, TimeProvider.System))
            {
                context.Out.WriteLine($"Cancel requested; {run.Owner} is running {runId} and stops it.");
                return ExitCodes.Ok;
            }

            // Nobody runs it: carry out the cancel here (compensation and on_exit included).
            return await env.FollowAsync(runId, cancellationToken);
        }));
        return command;
    }

    public static Command Retry(CliContext context)
    {
        var id = new Argument<string>("RUN") { Description = "The failed run's id" };
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var command = new Command("retry", "Retry a failed run: a new run with the same inputs that keeps the steps that succeeded and were not undone, and starts again from the failed step.");
        command.Arguments.Add(id);
        stack.AddTo(command);
        engine.AddTo(command, planning: false);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            await using var env = await RunEnvironment.LoadAsync(parse, context, stack, engine, cancellationToken);
            if (env is null)
            {
                return ExitCodes.Error;
            }

            var runId = parse.GetValue(id)!;
            var run = await RunControl.GetRetryableAsync(env.Store, runId, cancellationToken);
            var retry = await env.Runtime.RetryRunAsync(run, cancellationToken);
            context.Out.WriteLine($"Run {retry.Id} retries {runId}.");
            return await env.FollowAsync(retry.Id, cancellationToken);
        }));
        return command;
    }

    public static Command Resume(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var only = new Option<string?>("--run") { Description = "Resume only this run" };
        var command = new Command("resume", "Resume every unfinished run of the stack that no live worker holds (after a crash), in the foreground, until they finish.");
        stack.AddTo(command);
        engine.AddTo(command, planning: false);
        command.Options.Add(only);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            await using var env = await RunEnvironment.LoadAsync(parse, context, stack, engine, cancellationToken);
            if (env is null)
            {
                return ExitCodes.Error;
            }

            var ids = parse.GetValue(only) is { } one
                ? [one]
                : (await env.Store.ListRunsAsync(new RunQuery { Stack = env.Spec.Name, UnfinishedOnly = true, Limit = 10_000 }, cancellationToken)).Select(r => r.Id).Reverse().ToList();
            if (ids.Count == 0)
            {
                context.Out.WriteLine("No unfinished runs.");
                return ExitCodes.Ok;
            }

            var results = await Task.WhenAll(ids.Select(runId => env.FollowAsync(runId, cancellationToken, quietWhenBusy: parse.GetValue(only) is null)));
            return results.All(r => r == ExitCodes.Ok) ? ExitCodes.Ok : ExitCodes.Error;
        }));
        return command;
    }

    public static Command Worker(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var command = new Command("worker", "Run the stack's workflows in the foreground until Ctrl-C: fire schedules (each fire once, with catch-up and overlap policies) and execute every run no live worker holds.");
        stack.AddTo(command);
        engine.AddTo(command, planning: false);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            await using var env = await RunEnvironment.LoadAsync(parse, context, stack, engine, cancellationToken);
            if (env is null)
            {
                return ExitCodes.Error;
            }

            var spec = env.Spec;
            var directory = Workspace.StackDirectory(parse, context, stack);
            var worker = new WorkflowWorker(env.Store, env.Runtime, directory, (id, ct) => env.FollowAsync(id, ct, quietWhenBusy: true), env.Owns, context.Out.WriteLine, TimeProvider.System);
            context.Out.WriteLine($"Worker for stack {spec.Name}: {spec.Workflows.Count(w => w.Schedule is not null)} scheduled workflow(s); Ctrl-C stops it (runs in progress stay resumable).");
            await worker.RunAsync(() => spec, cancellationToken);
            context.Out.WriteLine("Worker stopped.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<(string Stack, IRunStore Store, IAsyncDisposable Scope)> OpenAsync(
        ParseResult parse, CliContext context, StackArguments stack, EngineArguments engine, CancellationToken cancellationToken)
    {
        var directory = Workspace.StackDirectory(parse, context, stack);
        var diagnostics = new DiagnosticBag();
        var spec = StackLoader.Load(directory, parse.GetValue(stack.Directory) ?? ".", diagnostics)
            ?? throw new CliException(diagnostics.FirstOrDefault(d => d.IsError)?.Message ?? $"no stack in {directory}");
        var (stores, protector) = await Workspace.OpenStoreAsync(parse, context, engine, directory, cancellationToken);
        return (spec.Name, stores.Runs, new Scope(stores, protector));
    }

    internal static string Who(CliContext context) =>
        context.Environment.TryGetValue("USER", out var user) && user.Length > 0 ? user : Environment.UserName;

    private sealed class Scope(IAsyncDisposable store, IDisposable protector) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await store.DisposeAsync();
            protector.Dispose();
        }
    }
}
