using System.CommandLine;
using System.Runtime.InteropServices;
using Baton.Access;
using Baton.Cli.Output;
using Baton.Server;
using Baton.Server.Security;
using Baton.Server.Stacks;
using Baton.State;
using Baton.State.Sqlite;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton serve</c> (the control plane for one or more stacks, in the foreground), <c>baton up</c> (apply, then
/// serve) and <c>baton down</c> (destroy), and the commands that manage the control plane's tokens and webhook keys.
/// </summary>
internal static class ServeCommand
{
    public static Command Serve(CliContext context)
    {
        var stacks = new Option<string[]>("--stack") { Description = "A stack directory to serve (repeatable; default: the current directory)", HelpName = "DIR" };
        var shared = new StackArguments();
        var serve = new ServeArguments();
        var command = new Command("serve", "Run the control plane in the foreground until Ctrl-C: the REST API and live event stream, schedules and workflow workers, for each stack. Resources keep running after it stops.");
        command.Options.Add(stacks);
        command.Options.Add(shared.Variables);
        command.Options.Add(shared.VariableFiles);
        serve.AddTo(command);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            var directories = parse.GetValue(stacks) is { Length: > 0 } given ? given : ["."];
            var sources = directories.Select(d => shared.Source(parse, context) with { Directory = context.Resolve(d), DisplayPath = d }).ToList();
            return await ServeAsync(context, serve.Options(parse, context, sources), cancellationToken);
        }));
        return command;
    }

    public static Command Up(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var serve = new ServeArguments();
        var command = new Command("up", "Apply the stack (without asking), then serve it in the foreground with its API and dashboard until Ctrl-C; the resources keep running after (baton down destroys them).");
        stack.AddTo(command);
        command.Options.Add(engine.LockTimeout);
        command.Options.Add(engine.Parallelism);
        serve.AddTo(command);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            var options = serve.Options(parse, context, [stack.Source(parse, context)]);
            int applied;
            using (var interrupts = new Interrupts(context, context.Interactive))
            {
                applied = await ApplyCommand.PlanAndApplyAsync(parse, context, stack, engine, destroy: false, autoApprove: true, [], interrupts, cancellationToken);
            }

            if (applied != ExitCodes.Ok)
            {
                context.Error.WriteLine("The apply did not succeed; not serving. Fix the errors above and run baton up again.");
                return applied;
            }

            return await ServeAsync(context, options, cancellationToken);
        }));
        return command;
    }

    public static Command Token(CliContext context)
    {
        var command = new Command("token", "Manage the control plane's API tokens (kept, as hashes only, in the stack's state).");
        var stack = new StackArguments();
        var role = new Option<string>("--role") { Description = "viewer (reads), operator (also plans, applies, runs, approves) or admin (also manages tokens)", Required = true };
        var description = new Option<string?>("--description") { Description = "What the token is for" };
        var create = new Command("create", "Create a token and print it once (only its hash is stored).");
        create.Arguments.Add(stack.Directory);
        create.Options.Add(role);
        create.Options.Add(description);
        create.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            if (!Roles.TryParse(parse.GetValue(role), out var parsed))
            {
                throw new CliException($"--role \"{parse.GetValue(role)}\" is not a role; use viewer, operator or admin");
            }

            await using var access = await AccessAsync(parse, context, stack, cancellationToken);
            var (text, record) = ApiTokens.Create(parsed, RunCommands.Who(context), parse.GetValue(description), DateTimeOffset.UtcNow);
            await access.Store.CreateTokenAsync(record, cancellationToken);
            context.Out.WriteLine(text);
            context.Error.WriteLine($"Created token {record.Id} ({parsed.ToString().ToLowerInvariant()}). It is shown only now: keep it somewhere safe.");
            return ExitCodes.Ok;
        }));

        var listStack = new StackArguments();
        var list = new Command("list", "List the tokens (ids, roles, who made them; never the tokens).");
        list.Arguments.Add(listStack.Directory);
        list.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            await using var access = await AccessAsync(parse, context, listStack, cancellationToken);
            var tokens = await access.Store.ListTokensAsync(cancellationToken);
            if (tokens.Count == 0)
            {
                context.Out.WriteLine("No tokens. Create one with: baton token create --role viewer");
            }

            foreach (var t in tokens)
            {
                context.Out.WriteLine($"{t.Id}  {t.Role.ToString().ToLowerInvariant(),-8}  created {t.CreatedAt:yyyy-MM-dd HH:mm} by {t.CreatedBy}{(t.RevokedAt is { } r ? $"  revoked {r:yyyy-MM-dd HH:mm}" : "")}{(t.Description is { } d ? "  " + d : "")}");
            }

            return ExitCodes.Ok;
        }));

        var revokeStack = new StackArguments();
        var id = new Argument<string>("ID") { Description = "The token's id (as token list shows it)" };
        var revoke = new Command("revoke", "Revoke a token: requests with it are refused from now on.");
        revoke.Arguments.Add(id);
        revoke.Arguments.Add(revokeStack.Directory);
        revoke.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            await using var access = await AccessAsync(parse, context, revokeStack, cancellationToken);
            if (!await access.Store.RevokeTokenAsync(parse.GetValue(id)!, DateTimeOffset.UtcNow, cancellationToken))
            {
                throw new CliException($"there is no valid token \"{parse.GetValue(id)}\"");
            }

            context.Out.WriteLine($"Revoked token {parse.GetValue(id)}.");
            return ExitCodes.Ok;
        }));

        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        command.Subcommands.Add(revoke);
        return command;
    }

    public static Command Webhook(CliContext context)
    {
        var stack = new StackArguments();
        var workflow = new Argument<string>("WORKFLOW") { Description = "The workflow (with webhook: true)" };
        var secret = new Command("secret", "Print the HMAC key that signs webhook requests for a workflow (derived from the stack's secret key).");
        secret.Arguments.Add(workflow);
        secret.Arguments.Add(stack.Directory);
        secret.SetAction(parse => Workspace.GuardAsync(context, () =>
        {
            var directory = Workspace.StackDirectory(parse, context, stack);
            StateLocation.TryResolveSqlitePath(null, directory, out var statePath);
            var key = Workspace.Key(Workspace.KeySource(context, directory), statePath);
            context.Out.WriteLine(Convert.ToHexStringLower(WebhookKeys.Derive(key, parse.GetValue(workflow)!)));
            context.Error.WriteLine($"Sign each request: {Server.Api.WebhookSignature.Header}: t=UNIX_SECONDS,sha256=HEX, where HEX is the HMAC-SHA256 of \"UNIX_SECONDS.\" followed by the body, keyed with the 32 bytes this hexadecimal text stands for; each signature is good once, within {Server.Api.WebhookSignature.Tolerance.TotalMinutes:0} minutes of its timestamp.");
            return Task.FromResult(ExitCodes.Ok);
        }).GetAwaiter().GetResult());
        var command = new Command("webhook", "Webhook triggers of workflows.");
        command.Subcommands.Add(secret);
        return command;
    }

    private static async Task<int> ServeAsync(CliContext context, ControlPlaneOptions options, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        ControlPlane plane;
        try
        {
            plane = await ControlPlane.StartAsync(
                options,
                stop.Token);
        }
        catch (StackLoadException ex)
        {
            DiagnosticPrinter.Print(context, ex.Diagnostics, []);
            return ExitCodes.Error;
        }
        catch (Exception ex) when (ex is FormatException or IOException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            throw new CliException(ex.Message, ex);
        }

        await using (plane)
        {
            context.Out.WriteLine($"Serving {string.Join(", ", plane.StackNames)} at {plane.Address}");
            context.Out.WriteLine($"  Dashboard: {new Uri(plane.Address, "/login")}#token={plane.SessionToken}");
            context.Out.WriteLine($"  API:       {new Uri(plane.Address, "/api/stacks")}");
            context.Out.WriteLine($"  Events:    {new Uri(plane.Address, "/api/events/stream")} (Server-Sent Events)");
            context.Out.WriteLine($"  OpenAPI:   {new Uri(plane.Address, "/openapi/v1.json")}");
            context.Out.WriteLine($"  Metrics:   {new Uri(plane.Address, "/metrics")} (Prometheus)");
            context.Out.WriteLine($"  Session token (admin, valid until this stops): {plane.SessionToken}");
            context.Out.WriteLine("Ctrl-C stops the control plane; the resources keep running.");
            context.Out.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                context.Out.WriteLine("Stopping the control plane (runs in progress stay resumable).");
            }
        }

        return ExitCodes.Ok;
    }

    private static async Task<AccessScope> AccessAsync(ParseResult parse, CliContext context, StackArguments stack, CancellationToken cancellationToken)
    {
        var directory = Workspace.StackDirectory(parse, context, stack);
        if (!File.Exists(Path.Combine(directory, "baton.yaml")))
        {
            throw new CliException($"there is no stack in {directory} (no baton.yaml)");
        }

        var (stores, protector) = await Workspace.OpenStoreAsync(parse, context, new EngineArguments(), directory, cancellationToken);
        return new AccessScope(stores, protector);
    }

    private sealed class AccessScope(StateStores stores, IDisposable protector) : IAsyncDisposable
    {
        public IAccessStore Store { get; } = stores.Access;

        public async ValueTask DisposeAsync()
        {
            await stores.DisposeAsync();
            protector.Dispose();
        }
    }
}
