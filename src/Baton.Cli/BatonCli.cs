using System.CommandLine;
using Baton.Cli.Commands;

namespace Baton.Cli;

/// <summary>The <c>baton</c> command line: builds the command tree and runs one invocation.</summary>
internal static class BatonCli
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("Baton: provision, configure, run and keep right a whole stack from one file.");
        root.Subcommands.Add(ValidateCommand.Create(context));
        root.Subcommands.Add(GraphCommand.Create(context));
        root.Subcommands.Add(SchemaCommand.Create(context));
        root.Subcommands.Add(PlanCommand.Create(context));
        root.Subcommands.Add(ApplyCommand.Create(context, destroy: false));
        root.Subcommands.Add(ApplyCommand.Create(context, destroy: true));
        root.Subcommands.Add(OutputCommand.Create(context));
        root.Subcommands.Add(StateCommand.Create(context));
        root.Subcommands.Add(StateCommand.ForceUnlock(context));
        root.Subcommands.Add(ProvidersCommand.Create(context));
        root.Subcommands.Add(HostsCommand.Create(context));
        root.Subcommands.Add(RunCommands.Run(context));
        root.Subcommands.Add(RunCommands.Runs(context));
        root.Subcommands.Add(RunCommands.Approve(context));
        root.Subcommands.Add(RunCommands.Cancel(context));
        root.Subcommands.Add(RunCommands.Retry(context));
        root.Subcommands.Add(RunCommands.Resume(context));
        root.Subcommands.Add(RunCommands.Worker(context));
        root.Subcommands.Add(ServeCommand.Serve(context));
        root.Subcommands.Add(ServeCommand.Up(context));
        root.Subcommands.Add(ApplyCommand.Create(context, destroy: true, name: "down"));
        root.Subcommands.Add(ServeCommand.Token(context));
        root.Subcommands.Add(ServeCommand.Webhook(context));
        foreach (var option in root.Options)
        {
            if (option is VersionOption version)
            {
                version.Action = new VersionAction(context);
            }
        }

        return root;
    }

    public static int Run(string[] args, CliContext context)
    {
        var parse = Build(context).Parse(args);
        var exit = parse.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error, ProcessTerminationTimeout = null });
        return parse.Errors.Count > 0 ? ExitCodes.Usage : exit;
    }
}
