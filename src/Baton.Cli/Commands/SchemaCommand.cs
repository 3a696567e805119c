using System.CommandLine;
using Baton.Cli.Output;
using Baton.Spec.Schema;

namespace Baton.Cli.Commands;

/// <summary><c>baton schema</c>: prints the JSON Schema of stack files, for editors.</summary>
internal static class SchemaCommand
{
    public const string SchemaId = "urn:baton:schema:stack:v1";

    public static Command Create(CliContext context)
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write the schema to FILE instead of standard output", HelpName = "FILE" };
        var command = new Command("schema", "Print the JSON Schema of stack files, so editors can check and complete them.");
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var schema = JsonSchemaWriter.Write(StackFileShape.Root, SchemaId);
            if (parse.GetValue(output) is { } file)
            {
                FileOutput.WriteAtomically(context.Resolve(file), schema);
                return ExitCodes.Ok;
            }

            context.Out.Write(schema);
            return ExitCodes.Ok;
        });
        return command;
    }
}
