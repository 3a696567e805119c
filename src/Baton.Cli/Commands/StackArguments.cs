using System.CommandLine;
using Baton.Diagnostics;
using Baton.Model;
using Baton.Spec;
using Baton.Spec.Model;

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

    /// <summary>Loads and binds the stack; the result holds whatever could be built, and the diagnostics say what went wrong.</summary>
    public LoadedStack Load(ParseResult parse, CliContext context, BindOptions options, IEnumerable<VariableInput>? overrides = null)
    {
        var diagnostics = new DiagnosticBag();
        var display = parse.GetValue(Directory) ?? ".";
        var directory = context.Resolve(display);
        var spec = StackLoader.Load(directory, display, diagnostics);
        if (spec is null)
        {
            return new LoadedStack(null, null, diagnostics);
        }

        // Precedence, lowest first: environment, files in order, --var in order (see VariableInputs).
        var inputs = new List<VariableInput>(VariableInputs.FromEnvironment(context.Environment));
        foreach (var file in parse.GetValue(VariableFiles) ?? [])
        {
            inputs.AddRange(VariableInputs.FromFile(context.Resolve(file), file, diagnostics));
        }

        foreach (var assignment in parse.GetValue(Variables) ?? [])
        {
            if (VariableInputs.FromAssignment(assignment, diagnostics) is { } input)
            {
                inputs.Add(input);
            }
        }

        // Values a workflow step gives (stack.apply's variables) come last and win.
        inputs.AddRange(overrides ?? []);
        var bound = StackBinder.Bind(spec, inputs, new StackFileHost(directory), options, diagnostics);
        return new LoadedStack(spec, bound, diagnostics);
    }
}

/// <summary>A loaded stack and what was found wrong with it.</summary>
internal sealed record LoadedStack(StackSpec? Spec, BoundStack? Bound, DiagnosticBag Diagnostics)
{
    public IReadOnlyList<Diagnostic> SortedDiagnostics => Diagnostics.Sorted();
}
