using System.Globalization;
using System.Text;

namespace Baton.Bench;

/// <summary>
/// The random DAG every benchmark uses: node i depends on up to <c>maxDeps</c> random earlier nodes, drawn in the same
/// order as <see cref="StackBenchmark.Generate"/>, so a seed names one graph whatever format it is written in.
/// Latencies come from a second generator, so adding them does not change the graph.
/// </summary>
internal sealed class BenchDag
{
    private BenchDag(int[][] dependencies, int[] latencyMs)
    {
        Dependencies = dependencies;
        LatencyMs = latencyMs;
    }

    /// <summary>For each node, the distinct earlier nodes it depends on, ascending.</summary>
    public int[][] Dependencies { get; }

    /// <summary>Each node's fixed latency in milliseconds (all zero for a zero-latency graph).</summary>
    public int[] LatencyMs { get; }

    public int Count => Dependencies.Length;

    public int EdgeCount => Dependencies.Sum(d => d.Length);

    public static BenchDag Generate(int nodes, int maxDeps, int seed, int minLatencyMs = 0, int maxLatencyMs = 0)
    {
        var random = new Random(seed);
        var dependencies = new int[nodes][];
        for (var i = 0; i < nodes; i++)
        {
            var count = i == 0 ? 0 : random.Next(0, maxDeps + 1);
            var picks = new SortedSet<int>();
            for (var d = 0; d < count; d++)
            {
                picks.Add(random.Next(0, i));
            }

            dependencies[i] = [.. picks];
        }

        var latencies = new int[nodes];
        if (maxLatencyMs > 0)
        {
            var draw = new Random(unchecked(seed * 31 + 7));
            for (var i = 0; i < nodes; i++)
            {
                latencies[i] = draw.Next(minLatencyMs, maxLatencyMs + 1);
            }
        }

        return new BenchDag(dependencies, latencies);
    }

    /// <summary>Milliseconds along the longest dependency chain, counting each node's latency.</summary>
    public long CriticalPathMs()
    {
        // Dependencies always point to earlier nodes, so index order is a topological order.
        var finish = new long[Count];
        long longest = 0;
        for (var i = 0; i < Count; i++)
        {
            long start = 0;
            foreach (var d in Dependencies[i])
            {
                start = Math.Max(start, finish[d]);
            }

            finish[i] = start + LatencyMs[i];
            longest = Math.Max(longest, finish[i]);
        }

        return longest;
    }

    public long TotalLatencyMs() => LatencyMs.Sum(l => (long)l);

    /// <summary>The lower bound on apply wall time: max(critical path, total latency ÷ parallelism); 0 parallelism is unlimited.</summary>
    public double LowerBoundMs(int parallelism) =>
        Math.Max(CriticalPathMs(), parallelism <= 0 ? 0 : TotalLatencyMs() / (double)parallelism);

    /// <summary>The Baton stack: <c>sim.resource</c>s whose inputs reference their dependencies' ids.</summary>
    public string ToBatonYaml()
    {
        var builder = new StringBuilder(Count * 110);
        builder.Append("stack: bench\nvariables:\n  size: { type: string, default: small }\nproviders:\n  sim:\n    world: .baton/sim-world.db\nresources:\n");
        for (var i = 0; i < Count; i++)
        {
            builder.Append("  r").Append(i).Append(":\n    type: sim.resource\n    properties:\n      input: { size: \"${var.size}\"");
            var deps = Dependencies[i];
            for (var d = 0; d < deps.Length; d++)
            {
                builder.Append(", d").Append(d).Append(": \"${r").Append(deps[d]).Append(".id}\"");
            }

            builder.Append(" }\n");
            if (LatencyMs[i] > 0)
            {
                builder.Append("      latency: \"").Append(LatencyMs[i].ToString(CultureInfo.InvariantCulture)).Append("ms\"\n");
            }
        }

        return builder.ToString();
    }

    /// <summary>The same graph as Terraform <c>terraform_data</c> resources ordered by <c>depends_on</c>.</summary>
    public string ToTerraformHcl()
    {
        var builder = new StringBuilder(Count * 90);
        for (var i = 0; i < Count; i++)
        {
            builder.Append("resource \"terraform_data\" \"r").Append(i).Append("\" {\n  input = ").Append(i);
            var deps = Dependencies[i];
            if (deps.Length > 0)
            {
                builder.Append("\n  depends_on = [");
                for (var d = 0; d < deps.Length; d++)
                {
                    builder.Append(d == 0 ? string.Empty : ", ").Append("terraform_data.r").Append(deps[d]);
                }

                builder.Append(']');
            }

            builder.Append("\n}\n");
        }

        return builder.ToString();
    }
}
