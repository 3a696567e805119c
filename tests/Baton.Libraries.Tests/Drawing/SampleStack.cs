using Baton.Drawing;
using Baton.Graph;

namespace Baton.Libraries.Tests.Drawing;

/// <summary>A ten-node graph whose labels exercise every escape both writers need.</summary>
internal static class SampleStack
{
    public static readonly string[] Labels =
    [
        "network",
        "subnet \"a\"",
        "db\\primary",
        "db replica\nread-only",
        "cache #1",
        "web <api> & co",
        "worker `jobs`",
        "lb",
        "dns",
        "monitor",
    ];

    public static DependencyGraph<string> Graph()
    {
        var builder = new DependencyGraphBuilder<string>();
        foreach (var label in Labels)
        {
            builder.AddNode(label);
        }

        builder.AddEdge(1, 0);
        builder.AddEdge(2, 1);
        builder.AddEdge(3, 2);
        builder.AddEdge(4, 1);
        builder.AddEdge(5, 2);
        builder.AddEdge(5, 4);
        builder.AddEdge(6, 3);
        builder.AddEdge(7, 5);
        builder.AddEdge(8, 7);
        builder.AddEdge(9, 5);
        builder.AddEdge(9, 6);
        return builder.Build();
    }

    public static NodeAppearance? Appearance(int node) => node switch
    {
        0 => new NodeAppearance { Shape = NodeShape.Hexagon, Group = "network" },
        1 => new NodeAppearance { Group = "network" },
        2 => new NodeAppearance { Shape = NodeShape.Cylinder, Class = "applied", Group = "data \"tier\"" },
        3 => new NodeAppearance { Shape = NodeShape.Cylinder, Class = "failed", Group = "data \"tier\"" },
        4 => new NodeAppearance { Shape = NodeShape.Rounded, Class = "applied" },
        5 => new NodeAppearance { Shape = NodeShape.Stadium, Class = "pending" },
        6 => new NodeAppearance { Class = "skipped" },
        7 => new NodeAppearance { Shape = NodeShape.Diamond, Class = "pending" },
        8 => new NodeAppearance { Shape = NodeShape.Ellipse },
        _ => null,
    };

    public static GraphWriterOptions Options => new()
    {
        Title = "shop \"prod\"",
        Direction = LayoutDirection.LeftToRight,
        ClassStyles = new Dictionary<string, NodeClassStyle>
        {
            ["pending"] = new() { Fill = "#eeeeee", Stroke = "#999999", Dashed = true },
            ["applied"] = new() { Fill = "#c8f7c5", Stroke = "#2e7d32" },
            ["failed"] = new() { Fill = "#ffcdd2", Stroke = "#c62828", Text = "#b71c1c" },
        },
    };
}
