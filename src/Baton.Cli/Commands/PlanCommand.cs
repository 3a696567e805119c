using System.CommandLine;
using System.Text;
using System.Text.Json;
using Baton.Cli.Output;
using Baton.Engine;
using Baton.Engine.Planning;
using Baton.Plans;
using Baton.Values;

namespace Baton.Cli.Commands;

/// <summary><c>baton plan</c>: shows exactly what an apply would change, and can save it for <c>baton apply FILE</c>.</summary>
internal static class PlanCommand
{
    public static Command Create(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var output = new Option<string?>("-out", "--out") { Description = "Save the plan to FILE, to apply exactly it later with baton apply FILE", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON" };
        var detailed = new Option<bool>("--detailed-exitcode") { Description = "Exit 0 when there is nothing to change, 2 when there is, 1 on errors" };
        var target = new Option<string[]>("--target") { Description = "Plan only this resource or instance and what it depends on (repeatable)", HelpName = "ADDRESS" };
        var destroy = new Option<bool>("--destroy") { Description = "Plan to destroy every resource" };
        var command = new Command("plan", "Show what apply would change: creates, updates, replacements and deletes, with every property that changes.");
        stack.AddTo(command);
        engine.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(json);
        command.Options.Add(detailed);
        command.Options.Add(target);
        command.Options.Add(destroy);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            var loaded = Workspace.LoadChecked(parse, context, stack, requireVariables: true);
            if (loaded is null)
            {
                return ExitCodes.Error;
            }

            var directory = Workspace.StackDirectory(parse, context, stack);
            var (stores, protector) = await Workspace.OpenStoreAsync(parse, context, engine, directory, cancellationToken);
            await using var storeScope = stores;
            using var protectorScope = protector;
            await using var session = new StackSession(loaded.Bound!, directory, stores.State, stores.Locks, stores.Applies, Workspace.Registry, new Spec.StackFileHost(directory), TimeProvider.System);
            var options = new PlanOptions
            {
                Destroy = parse.GetValue(destroy),
                Parallelism = parse.GetValue(engine.Parallelism),
                Targets = new HashSet<string>(parse.GetValue(target) ?? [], StringComparer.Ordinal),
            };
            var diagnostics = new Diagnostics.DiagnosticBag();
            Plan plan;
            await using (var holder = await session.LockAsync("plan", engine.LockWait(parse), cancellationToken))
            {
                var recovered = await session.RecoverAsync(holder, cancellationToken);
                foreach (var message in recovered.Messages)
                {
                    context.Error.WriteLine($"recovered: {message}");
                }

                (plan, _, _) = await session.PlanAsync(options, parse.GetValue(engine.Refresh), diagnostics, cancellationToken);
            }

            DiagnosticPrinter.Print(context, diagnostics.Sorted(), loaded.Spec!.Files);
            if (diagnostics.HasErrors)
            {
                return ExitCodes.Error;
            }

            if (parse.GetValue(json))
            {
                context.Out.Write(PlanJson(plan));
            }
            else
            {
                context.Out.Write(PlanRenderer.Render(plan, context.OutColor));
            }

            if (parse.GetValue(output) is { } file)
            {
                var saved = new PlanFile
                {
                    Plan = plan,
                    Directory = directory,
                    SourceHash = PlanFile.HashSources(loaded.Spec.Files),
                    Variables = loaded.Bound!.Variables,
                };
                FileOutput.WriteAtomically(context.Resolve(file), saved.ToJson(protector));
                if (!parse.GetValue(json))
                {
                    context.Out.WriteLine($"\nSaved the plan to {file}. Apply exactly it with: baton apply {file}");
                }
            }

            return parse.GetValue(detailed) && plan.HasChanges ? 2 : ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The plan as JSON for machines, secrets redacted and unknowns marked.</summary>
    public static string PlanJson(Plan plan)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = ValueJson.WriterOptions.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("stack", plan.Stack);
            writer.WriteNumber("serial", plan.Serial);
            writer.WriteBoolean("destroy", plan.IsDestroy);
            writer.WriteStartArray("changes");
            foreach (var change in plan.Changes)
            {
                writer.WriteStartObject();
                writer.WriteString("address", change.Address);
                writer.WriteString("type", change.Type);
                writer.WriteString("provider", change.Provider);
                writer.WriteString("action", change.Action.ToString().ToLowerInvariant());
                if (change.DeposedKey is not null)
                {
                    writer.WriteString("deposed", change.DeposedKey);
                }

                if (change.Reason is not null)
                {
                    writer.WriteString("reason", change.Reason);
                }

                writer.WriteStartArray("replace_because");
                foreach (var name in change.ReplaceBecause)
                {
                    writer.WriteStringValue(name);
                }

                writer.WriteEndArray();
                writer.WriteString("before", change.PriorInputs?.ToString());
                writer.WriteString("after", change.Inputs?.ToString());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            PlannedNotification.WriteArray(writer, "notifications", plan.Notifications);
            writer.WriteStartObject("summary");
            foreach (var action in new[] { ChangeAction.Create, ChangeAction.Update, ChangeAction.Replace, ChangeAction.Delete, ChangeAction.NoOp })
            {
                writer.WriteNumber(action == ChangeAction.NoOp ? "unchanged" : action.ToString().ToLowerInvariant(), plan.Count(action));
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
