using System.CommandLine;
using Baton.Cli.Output;

namespace Baton.Cli.Commands;

/// <summary><c>baton providers</c>: the reference of every built-in provider, from its schema.</summary>
internal static class ProvidersCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("providers", "Print the reference of every provider: settings, resource types with their properties, and actions (Markdown).");
        command.SetAction(_ =>
        {
            context.Out.Write(ProviderDocs.Markdown(Workspace.Registry));
            return ExitCodes.Ok;
        });
        return command;
    }
}
