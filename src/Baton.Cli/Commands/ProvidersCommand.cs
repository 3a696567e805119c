using System.CommandLine;
using Baton.Cli.Output;

namespace Baton.Cli.Commands;

/// <summary><c>baton providers [NAME]</c>: the reference of every built-in provider, or of one, from its schema.</summary>
internal static class ProvidersCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string?>("NAME") { Description = "One provider, printed as a page of its own", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("providers", "Print the reference of every provider (or of NAME alone): settings, resource types with their properties, and actions (Markdown).");
        command.Arguments.Add(name);
        command.SetAction(parse =>
        {
            if (parse.GetValue(name) is not { } family)
            {
                context.Out.Write(ProviderDocs.Markdown(Workspace.Registry));
                return ExitCodes.Ok;
            }

            if (ProviderDocs.Page(Workspace.Registry, family) is not { } page)
            {
                Workspace.Fail(context, $"there is no provider \"{family}\"; providers: {string.Join(", ", Workspace.Registry.Factories.Keys.Order(StringComparer.Ordinal))}");
                return ExitCodes.Error;
            }

            context.Out.Write(page);
            return ExitCodes.Ok;
        });
        return command;
    }
}
