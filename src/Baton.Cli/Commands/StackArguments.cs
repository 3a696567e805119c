using System.CommandLine;
using Baton.Engine.Hosting;
using Baton.Binding;
using Baton.Spec;

namespace Baton.Cli.Commands;

/// <summary>The arguments every stack command shares: the directory and variable values.</summary>
internal sealed class StackArguments
{
    public Argument<string> Directory { get; } = new("DIR")
    {
        Description = "The stack directory (holding baton.yaml)",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => ".",
    };

    public Option<string[]> Variables { get; } = new("--var")
    {
        Description = "Set a variable: --var name=value (repeatable; the last wins)",
        AllowMultipleArgumentsPerToken = false,
        HelpName = "NAME=VALUE",
    };

    public Option<string[]> VariableFiles { get; } = new("--var-file")
    {
        Description = "Read variables from a YAML or JSON file (repeatable; later files win)",
        AllowMultipleArgumentsPerToken = false,
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Directory);
        command.Options.Add(Variables);
        command.Options.Add(VariableFiles);
    }

    /// <summary>Where the stack comes from, as the arguments say.</summary>
    public StackSource Source(ParseResult parse, CliContext context)
    {
        var display = parse.GetValue(Directory) ?? ".";
        var files = parse.GetValue(VariableFiles) ?? [];
        return new StackSource
        {
            Directory = context.Resolve(display),
            DisplayPath = display,
            Environment = context.Environment,
            VariableFiles = [.. files.Select(context.Resolve)],
            VariableFileNames = files,
            Assignments = parse.GetValue(Variables) ?? [],
        };
    }

    /// <summary>Loads and binds the stack; the result holds whatever could be built, and the diagnostics say what went wrong.</summary>
    public LoadedStack Load(ParseResult parse, CliContext context, BindOptions options, IEnumerable<VariableInput>? overrides = null) =>
        Source(parse, context).Load(options, overrides);
}
