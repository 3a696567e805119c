using System.CommandLine;
using Baton.Values;

namespace Baton.Cli.Commands;

/// <summary><c>baton output</c>: the stack's outputs from its last apply.</summary>
internal static class OutputCommand
{
    public static Command Create(CliContext context)
    {
        var stack = new StackArguments();
        var engine = new EngineArguments();
        var name = new Argument<string?>("NAME") { Description = "One output to print (bare, for scripts)", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print as JSON" };
        var showSensitive = new Option<bool>("--show-sensitive") { Description = "Print sensitive outputs instead of (sensitive)" };
        var command = new Command("output", "Print the stack's outputs from its last apply.");
        command.Arguments.Add(stack.Directory);
        command.Arguments.Add(name);
        engine.AddTo(command, planning: false);
        command.Options.Add(json);
        command.Options.Add(showSensitive);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            var directory = Workspace.StackDirectory(parse, context, stack);
            var diagnostics = new Diagnostics.DiagnosticBag();
            var spec = Spec.StackLoader.Load(directory, parse.GetValue(stack.Directory) ?? ".", diagnostics);
            if (spec is null)
            {
                Output.DiagnosticPrinter.Print(context, diagnostics.Sorted(), []);
                return ExitCodes.Error;
            }

            var (stores, protector) = await Workspace.OpenStoreAsync(parse, context, engine, directory, cancellationToken);
            await using var storeScope = stores;
            using var protectorScope = protector;
            var outputs = (await stores.State.LoadAsync(spec.Name, cancellationToken)).Outputs;
            var reveal = parse.GetValue(showSensitive);
            if (parse.GetValue(name) is { } one)
            {
                if (!outputs.AsMap().TryGetValue(one, out var value))
                {
                    throw new CliException($"there is no output \"{one}\"{(outputs.AsMap().Count == 0 ? "; has the stack been applied?" : $"; outputs: {string.Join(", ", outputs.AsMap().Keys)}")}");
                }

                context.Out.WriteLine(parse.GetValue(json) ? Json(value, reveal) : Bare(value, reveal));
                return ExitCodes.Ok;
            }

            if (parse.GetValue(json))
            {
                context.Out.WriteLine(Json(outputs, reveal));
            }
            else
            {
                Print(context, outputs, reveal);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    public static void Print(CliContext context, Value outputs, bool showSensitive)
    {
        if (outputs.Kind != ValueKind.Map || outputs.AsMap().Count == 0)
        {
            return;
        }

        context.Out.WriteLine("\nOutputs:");
        var width = outputs.AsMap().Keys.Max(k => k.Length);
        foreach (var (key, value) in outputs.AsMap())
        {
            context.Out.WriteLine($"  {key.PadRight(width)} = {(showSensitive ? Reveal(value) : value).ToString()}");
        }
    }

    private static string Bare(Value value, bool reveal)
    {
        var shown = reveal ? Reveal(value) : value;
        return shown.Kind == ValueKind.String && !shown.IsSensitive ? shown.AsString() : shown.ToString();
    }

    private static string Json(Value value, bool reveal) =>
        ValueJson.ToJson(reveal ? Reveal(value) : Redact(value), null, "output");

    private static Value Reveal(Value value) => value.Kind switch
    {
        ValueKind.List => Value.List(value.AsList().Select(Reveal)),
        ValueKind.Map => Value.Map(value.AsMap().Select(e => KeyValuePair.Create(e.Key, Reveal(e.Value)))),
        _ => value.WithoutSensitivity(),
    };

    internal static Value Redact(Value value) => value.IsSensitive
        ? Value.String("(sensitive)")
        : value.Kind switch
        {
            ValueKind.List => Value.List(value.AsList().Select(Redact)),
            ValueKind.Map => Value.Map(value.AsMap().Select(e => KeyValuePair.Create(e.Key, Redact(e.Value)))),
            _ => value,
        };
}
