using System.CommandLine;
using Baton.Cli.Output;
using Baton.Diagnostics;
using Baton.Binding;

namespace Baton.Cli.Commands;

/// <summary><c>baton validate</c>: checks a stack without touching anything it describes.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var stack = new StackArguments();
        var json = new Option<bool>("--json") { Description = "Print the diagnostics as JSON on standard output" };
        var command = new Command("validate", "Check a stack: syntax, references, types, dependency cycles and workflows. Exit 0 when valid, 1 on errors.");
        stack.AddTo(command);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var loaded = stack.Load(parse, context, new BindOptions());
            if (loaded.Spec is { } checkedSpec && !loaded.Diagnostics.HasErrors)
            {
                Engine.Planning.ProviderSchemaChecker.Check(checkedSpec, Workspace.Registry, loaded.Diagnostics);
            }

            var diagnostics = loaded.SortedDiagnostics;
            var failed = loaded.Diagnostics.HasErrors;
            if (parse.GetValue(json))
            {
                context.Out.Write(DiagnosticRenderer.RenderJson(diagnostics));
                return failed ? ExitCodes.Error : ExitCodes.Ok;
            }

            DiagnosticPrinter.Print(context, diagnostics, loaded.Spec?.Files ?? []);
            if (!failed && loaded.Spec is { } spec && loaded.Bound is { } bound)
            {
                context.Out.WriteLine(
                    $"Stack \"{spec.Name}\" is valid: {DiagnosticPrinter.Plural(spec.Resources.Length, "resource")} "
                    + $"({DiagnosticPrinter.Plural(bound.Graph.NodeCount, "instance")}), "
                    + $"{DiagnosticPrinter.Plural(spec.Workflows.Length, "workflow")}, "
                    + $"{DiagnosticPrinter.Plural(spec.Policies.Length, "policy", "policies")}.");
            }

            return failed ? ExitCodes.Error : ExitCodes.Ok;
        });
        return command;
    }
}
