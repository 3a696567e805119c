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

    /// <summary>
    /// The wall time of an ideal eager scheduler with no overhead: at most <paramref name="parallelism"/> nodes at
    /// once (0 is unlimited), each started the moment a slot is free, in the order they became ready (as the engine's
    /// queue does). The gap between this and the lower bound is the policy's; the rest is the engine's overhead.
    /// </summary>
    public long GreedyScheduleMs(int parallelism, bool longestPathFirst = false)
    {
        // With longestPathFirst, a free slot goes to the ready node with the longest chain still behind it.
        var tail = new long[Count];
        for (var i = Count - 1; i >= 0; i--)
        {
            tail[i] += LatencyMs[i];
            foreach (var d in Dependencies[i])
            {
                tail[d] = Math.Max(tail[d], tail[i]);
            }
        }

        var slots = parallelism <= 0 ? int.MaxValue : parallelism;
        var dependents = new List<int>[Count];
        var waiting = new int[Count];
        var ready = new PriorityQueue<int, (long, long)>();
        long order = 0;
        (long, long) Priority(int node) => (longestPathFirst ? -tail[node] : 0, order++);
        for (var i = 0; i < Count; i++)
        {
            dependents[i] = [];
        }

        for (var i = 0; i < Count; i++)
        {
            waiting[i] = Dependencies[i].Length;
            foreach (var d in Dependencies[i])
            {
                dependents[d].Add(i);
            }

            if (waiting[i] == 0)
            {
                ready.Enqueue(i, Priority(i));
            }
        }

        var running = new PriorityQueue<int, long>();
        long now = 0;
        while (ready.Count > 0 || running.Count > 0)
        {
            while (running.Count < slots && ready.TryDequeue(out var next, out _))
            {
                running.Enqueue(next, now + LatencyMs[next]);
            }

            running.TryDequeue(out var done, out now);
            foreach (var after in dependents[done])
            {
                if (--waiting[after] == 0)
                {
                    ready.Enqueue(after, Priority(after));
                }
            }
        }

        return now;
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
