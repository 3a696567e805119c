using System.Text;

namespace Baton.Engine.Tests.Support;

/// <summary>Writes stacks of sim resources in a random DAG: resource r{i} references the ids of up to three earlier ones.</summary>
internal static class StackGenerator
{
    public static string Generate(int resources, int seed, string latency, int maxDependencies = 3)
    {
        var random = new Random(seed);
        var builder = new StringBuilder();
        builder.Append("stack: generated\nresources:\n");
        for (var i = 0; i < resources; i++)
        {
            builder.Append("  r").Append(i).Append(":\n    type: sim.resource\n    properties:\n      latency: ").Append(latency).Append("\n      input: { n: ").Append(i);
            var count = i == 0 ? 0 : random.Next(0, maxDependencies + 1);
            for (var d = 0; d < count; d++)
            {
                builder.Append(", d").Append(d).Append(": \"${r").Append(random.Next(0, i)).Append(".id}\"");
            }

            builder.Append(" }\n");
        }

        return builder.ToString();
    }
}
