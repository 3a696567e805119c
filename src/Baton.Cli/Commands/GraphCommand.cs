using System.CommandLine;
using Baton.Cli.Output;
using Baton.Drawing;
using Baton.Binding;

namespace Baton.Cli.Commands;

/// <summary><c>baton graph</c>: draws the dependency graph of a stack's resource instances as DOT or Mermaid.</summary>
internal static class GraphCommand
{
    private static readonly Dictionary<string, NodeClassStyle> FamilyStyles = new(StringComparer.Ordinal)
    {
        ["sim"] = new() { Fill = "#eef2ff", Stroke = "#6366f1" },
        ["file"] = new() { Fill = "#f0fdf4", Stroke = "#16a34a" },
        ["process"] = new() { Fill = "#fff7ed", Stroke = "#ea580c" },
        ["container"] = new() { Fill = "#fff7ed", Stroke = "#c2410c" },
        ["postgres"] = new() { Fill = "#eff6ff", Stroke = "#2563eb" },
        ["s3"] = new() { Fill = "#fefce8", Stroke = "#ca8a04" },
        ["nginx"] = new() { Fill = "#f0fdfa", Stroke = "#0d9488" },
        ["http"] = new() { Fill = "#fdf4ff", Stroke = "#c026d3" },
    };

    public static Command Create(CliContext context)
    {
        var stack = new StackArguments();
        var format = new Option<string>("--format", "-f")
        {
            Description = "dot (Graphviz) or mermaid",
            DefaultValueFactory = _ => "dot",
        };
        format.AcceptOnlyFromAmong("dot", "mermaid");
        var output = new Option<string?>("--output", "-o") { Description = "Write the graph to FILE instead of standard output", HelpName = "FILE" };
        var full = new Option<bool>("--full") { Description = "Draw every dependency edge, not only those the transitive reduction keeps" };
        var command = new Command("graph", "Draw the dependency graph of the stack's resource instances. Arrows follow the order of apply: from a resource to those that depend on it.");
        stack.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(output);
        command.Options.Add(full);
        command.SetAction(parse =>
        {
            var loaded = stack.Load(parse, context, new BindOptions());
            DiagnosticPrinter.Print(context, loaded.SortedDiagnostics, loaded.Spec?.Files ?? []);
            if (loaded.Diagnostics.HasErrors || loaded.Bound is not { IsAcyclic: true } bound)
            {
                return ExitCodes.Error;
            }

            var graph = parse.GetValue(full) ? bound.Graph : bound.Graph.TransitiveReduction();
            var options = new GraphWriterOptions
            {
                Title = loaded.Spec!.Name,
                Direction = LayoutDirection.LeftToRight,
                Arrows = ArrowDirection.ToDependent,
                DefaultShape = NodeShape.Rounded,
                ClassStyles = FamilyStyles
                    .Where(style => bound.Graph.Nodes.Any(n => n.Resource.Family == style.Key))
                    .ToDictionary(style => style.Key, style => style.Value, StringComparer.Ordinal),
            };
            string Label(int node) => $"{graph[node].Address}\n{graph[node].Resource.Type}";
            NodeAppearance Appearance(int node)
            {
                var resource = graph[node].Resource;
                return new NodeAppearance
                {
                    Class = FamilyStyles.ContainsKey(resource.Family) ? resource.Family : null,
                    Shape = resource.Family is "postgres" or "s3" ? NodeShape.Cylinder : null,
                    Group = resource.Count is not null || resource.ForEach is not null ? resource.Name : null,
                };
            }

            var text = parse.GetValue(format) == "mermaid"
                ? MermaidWriter.Write(graph, Label, Appearance, options)
                : DotWriter.Write(graph, Label, Appearance, options);
            if (parse.GetValue(output) is { } file)
            {
                FileOutput.WriteAtomically(context.Resolve(file), text);
            }
            else
            {
                context.Out.Write(text);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
