using System.CommandLine;
using Baton.Cli.Output;
using Baton.Engine;
using Baton.Spec;
using Baton.Spec.Declarations;
using Baton.State;
using Baton.State.Sqlite;
using Baton.Values;

namespace Baton.Cli.Commands;

/// <summary><c>baton state list|show|rm|export|import|restore</c> and <c>baton force-unlock</c>: look at and repair state by hand.</summary>
internal static class StateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("state", "Look at and repair a stack's state: list, show, rm, export, import, restore.");
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Show(context));
        command.Subcommands.Add(Remove(context));
        command.Subcommands.Add(Export(context));
        command.Subcommands.Add(Import(context));
        command.Subcommands.Add(Restore(context));
        return command;
    }

    public static Command ForceUnlock(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var id = new Argument<string>("ID") { Description = "The lock id, as printed by the command that found the stack locked" };
        var command = new Command("force-unlock", "Remove a stack's lock left by a process that is gone. The old holder's writes are refused from then on (fencing).");
        command.Arguments.Add(id);
        command.Arguments.Add(stack.Directory);
        engine.AddTo(command, planning: false);
        command.SetAction((parse, cancellationToken) => WithStoreAsync(parse, context, stack, engine, async (stores, _, name) =>
        {
            var lockId = parse.GetValue(id)!;
            if (!await stores.Locks.ForceUnlockAsync(name, lockId, cancellationToken))
            {
                var current = await stores.Locks.GetLockAsync(name, cancellationToken);
                throw new CliException(current is null ? $"stack \"{name}\" is not locked" : $"lock {lockId} does not hold stack \"{name}\"; the lock is {current.LockId}, held by {current.Owner}");
            }

            context.Out.WriteLine($"Unlocked stack \"{name}\".");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command List(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var command = new Command("list", "List the resource objects in state.");
        command.Arguments.Add(stack.Directory);
        engine.AddTo(command, planning: false);
        command.SetAction((parse, cancellationToken) => WithStoreAsync(parse, context, stack, engine, async (stores, _, name) =>
        {
            var state = await stores.State.LoadAsync(name, cancellationToken);
            foreach (var resource in state.Resources.Values.OrderBy(r => r.Address, StringComparer.Ordinal))
            {
                var status = resource.Status == ResourceStatus.Ready ? string.Empty : $" ({resource.Status.ToString().ToLowerInvariant()})";
                context.Out.WriteLine($"{resource.Key}\t{resource.Type}\t{resource.Id}{status}");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var address = new Argument<string>("ADDRESS") { Description = "The resource address, such as web[1]" };
        var command = new Command("show", "Show one resource object: its id, inputs and attributes (secrets redacted).");
        command.Arguments.Add(address);
        command.Arguments.Add(stack.Directory);
        engine.AddTo(command, planning: false);
        command.SetAction((parse, cancellationToken) => WithStoreAsync(parse, context, stack, engine, async (stores, _, name) =>
        {
            var state = await stores.State.LoadAsync(name, cancellationToken);
            var key = parse.GetValue(address)!;
            if (!state.Resources.TryGetValue(key, out var resource))
            {
                throw new CliException($"there is no {key} in the state of \"{name}\"" + (Text.Suggestions.DidYouMean(key, state.Resources.Keys) is { } hint ? $"; {hint}" : string.Empty));
            }

            context.Out.WriteLine($"{resource.Key} ({resource.Type})");
            context.Out.WriteLine($"  id           = {resource.Id}");
            context.Out.WriteLine($"  provider     = {resource.Provider}");
            context.Out.WriteLine($"  status       = {resource.Status.ToString().ToLowerInvariant()}");
            context.Out.WriteLine($"  dependencies = [{string.Join(", ", resource.Dependencies)}]");
            context.Out.WriteLine($"  inputs       = {resource.Inputs}");
            context.Out.WriteLine($"  attributes   = {resource.Attributes}");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var address = new Argument<string[]>("ADDRESS") { Description = "Resource addresses to forget (the objects themselves are left alone)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Forget resource objects: remove them from state without deleting them.");
        command.Arguments.Add(address);
        command.Options.Add(new Option<string>("--dir") { Description = "The stack directory", DefaultValueFactory = _ => "." });
        engine.AddTo(command, planning: false);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            var dir = parse.GetValue<string>("--dir") ?? ".";
            return await WithStoreAsync(context, dir, parse, engine, async (stores, _, name) =>
            {
                await using var holder = await LockHolder.AcquireAsync(stores.Locks, name, "state rm", engine.LockWait(parse), TimeProvider.System, cancellationToken);
                var state = await stores.State.LoadAsync(name, cancellationToken);
                var keys = parse.GetValue(address)!;
                var missing = keys.Where(k => !state.Resources.ContainsKey(k)).ToList();
                if (missing.Count > 0)
                {
                    throw new CliException($"not in state: {string.Join(", ", missing)}");
                }

                await stores.State.ReplaceAsync(state with { Resources = state.Resources.RemoveRange(keys) }, holder.Lock.FencingToken, cancellationToken);
                context.Out.WriteLine($"Removed {DiagnosticPrinter.Plural(keys.Length, "object")} from state.");
                return ExitCodes.Ok;
            }, cancellationToken);
        }));
        return command;
    }

    private static Command Export(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var output = new Option<string?>("--output", "-o") { Description = "Write to FILE instead of standard output", HelpName = "FILE" };
        var plaintext = new Option<bool>("--plaintext-secrets") { Description = "Write sensitive values in plain text (by default they stay encrypted with the stack's key)" };
        var command = new Command("export", "Write the stack's state as JSON.");
        command.Arguments.Add(stack.Directory);
        engine.AddTo(command, planning: false);
        command.Options.Add(output);
        command.Options.Add(plaintext);
        command.SetAction((parse, cancellationToken) => WithStoreAsync(parse, context, stack, engine, async (stores, protector, name) =>
        {
            var json = StateDocument.ToJson(await stores.State.LoadAsync(name, cancellationToken), protector, parse.GetValue(plaintext));
            if (parse.GetValue(output) is { } file)
            {
                FileOutput.WriteAtomically(context.Resolve(file), json);
            }
            else
            {
                context.Out.Write(json);
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Import(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var file = new Argument<string>("FILE") { Description = "A document written by baton state export" };
        var other = new Option<bool>("--allow-other-stack") { Description = "Import a document exported from a stack of another name" };
        var command = new Command("import", "Replace the stack's state with a document from baton state export (checked whole before anything is written).");
        command.Arguments.Add(file);
        command.Arguments.Add(stack.Directory);
        engine.AddTo(command, planning: false);
        command.Options.Add(other);
        command.SetAction((parse, cancellationToken) => WithStoreAsync(parse, context, stack, engine, async (stores, protector, name) =>
        {
            var text = await File.ReadAllTextAsync(context.Resolve(parse.GetValue(file)!), cancellationToken);
            StateDocument document;
            try
            {
                document = StateDocument.FromJson(text, protector, name, parse.GetValue(other));
            }
            catch (FormatException ex)
            {
                throw new CliException($"cannot import {parse.GetValue(file)}: {ex.Message}", ex);
            }

            await using var holder = await LockHolder.AcquireAsync(stores.Locks, name, "state import", engine.LockWait(parse), TimeProvider.System, cancellationToken);
            var serial = await stores.State.ReplaceAsync(document.State, holder.Lock.FencingToken, cancellationToken);
            context.Out.WriteLine($"Imported {DiagnosticPrinter.Plural(document.State.Resources.Count, "object")} into \"{name}\" (serial {serial}).");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Restore(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var from = new Option<string?>("--from") { Description = "Restore this backup file (default: the newest backup that verifies)", HelpName = "FILE" };
        var list = new Option<bool>("--list") { Description = "List the backups, newest first, and whether each verifies; change nothing" };
        var command = new Command(
            "restore",
            "Put the state file back from a backup (.baton/backups, written after each apply, destroy, import and rm that changes it): the newest one that passes SQLite's integrity check and Baton's schema, or --from FILE. The file it replaces is kept as state.db.corrupt-TIME. Refused while another process has the state open (baton serve, a worker, a command) or holds a stack lock.");
        command.Arguments.Add(stack.Directory);
        command.Options.Add(engine.State);
        command.Options.Add(from);
        command.Options.Add(list);
        command.SetAction(parse => Workspace.GuardAsync(context, () =>
        {
            var directory = context.Resolve(parse.GetValue(stack.Directory) ?? ".");
            var backups = new StateBackups(Workspace.StatePath(parse, engine, directory), TimeProvider.System);
            if (parse.GetValue(list))
            {
                if (parse.GetValue(from) is not null)
                {
                    throw new CliException("give --list or --from, not both");
                }

                return Task.FromResult(ListBackups(context, backups));
            }

            var source = parse.GetValue(from) is { } file ? context.Resolve(file) : null;
            var restored = backups.Restore(source, held => !LocalOwner.IsDead(held.Owner));
            context.Out.WriteLine($"Restored {backups.DatabasePath} from {restored.Backup.Path} (taken {restored.Backup.TakenAt:yyyy-MM-dd HH:mm:ss}Z).");
            if (restored.SetAside is { } aside)
            {
                context.Out.WriteLine($"The file it replaced is kept as {aside}.");
            }

            foreach (var (path, problem) in restored.Skipped)
            {
                context.Out.WriteLine($"Newer backup skipped {path}: {problem}.");
            }

            context.Out.WriteLine("Changes made after that backup are not in it: run baton plan to see how the resources differ from it.");
            return Task.FromResult(ExitCodes.Ok);
        }).GetAwaiter().GetResult());
        return command;
    }

    private static int ListBackups(CliContext context, StateBackups backups)
    {
        var found = backups.List();
        if (found.Count == 0)
        {
            context.Error.WriteLine($"No backups of {backups.DatabasePath} in {backups.Directory}.");
            return ExitCodes.Ok;
        }

        foreach (var backup in found)
        {
            var problem = StateBackups.Verify(backup.Path);
            context.Out.WriteLine($"{backup.Path}  {backup.TakenAt:yyyy-MM-dd HH:mm:ss}Z  {backup.Length,10:N0} bytes  {problem ?? "ok"}");
        }

        return ExitCodes.Ok;
    }

    private static Task<int> WithStoreAsync(ParseResult parse, CliContext context, StackArguments stack, EngineArguments engine, Func<StateStores, ISecretProtector, string, Task<int>> body, CancellationToken cancellationToken) =>
        Workspace.GuardAsync(context, () => WithStoreAsync(context, parse.GetValue(stack.Directory) ?? ".", parse, engine, body, cancellationToken));

    private static async Task<int> WithStoreAsync(CliContext context, string display, ParseResult parse, EngineArguments engine, Func<StateStores, ISecretProtector, string, Task<int>> body, CancellationToken cancellationToken)
    {
        var directory = context.Resolve(display);
        var diagnostics = new Diagnostics.DiagnosticBag();
        StackSpec? spec = StackLoader.Load(directory, display, diagnostics);
        if (spec is null)
        {
            DiagnosticPrinter.Print(context, diagnostics.Sorted(), []);
            return ExitCodes.Error;
        }

        var (stores, protector) = await Workspace.OpenStoreAsync(parse, context, engine, directory, cancellationToken);
        await using var storeScope = stores;
        using var protectorScope = protector;
        return await body(stores, protector, spec.Name);
    }
}
