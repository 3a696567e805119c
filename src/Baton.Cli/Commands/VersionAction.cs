using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Baton.Cli.Commands;

/// <summary>Prints Baton's own version, whichever program hosts the command line (the baton executable or a test).</summary>
internal sealed class VersionAction(CliContext context) : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionAction).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public override int Invoke(ParseResult parseResult)
    {
        context.Out.WriteLine(Version);
        return ExitCodes.Ok;
    }
}
