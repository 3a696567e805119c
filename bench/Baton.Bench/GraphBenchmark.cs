using System.Diagnostics;
using System.Globalization;
using Baton.Graph;

namespace Baton.Bench;

/// <summary>
/// Times the dependency-graph operations the planner runs on every plan: building, topological sort, cycle
/// detection and the critical path, on a random DAG where each node depends on up to a few earlier nodes.
/// </summary>
internal sealed class GraphBenchmark : IBenchmarkCommand
{
    public string Name => "graph";

    public string Summary => "build, topological sort, cycle detection and critical path on a random DAG (--nodes 100000 --max-deps 3 --repeat 5 --warmup 3 --seed 42 --format text|markdown --reduction true|false)";

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var nodes = arguments.Int("nodes", 100_000, 1);
        var maxDeps = arguments.Int("max-deps", 3, 0);
        var repeat = arguments.Int("repeat", 5, 1);
        var warmup = arguments.Int("warmup", 3, 0);
        var seed = arguments.Int("seed", 42, 0);
        var format = arguments.Text("format", "text", "text", "markdown");
        var reduction = arguments.Text("reduction", "false", "true", "false") == "true";
        arguments.RejectUnknown();

        // Edges and weights are drawn once, outside the timings, so only graph work is measured.
        var random = new Random(seed);
        var from = new List<int>(nodes * maxDeps / 2);
        var to = new List<int>(nodes * maxDeps / 2);
        for (var v = 1; v < nodes; v++)
        {
            var count = random.Next(0, maxDeps + 1);
            for (var i = 0; i < count; i++)
            {
                from.Add(v);
                to.Add(random.Next(0, v));
            }
        }

        var weights = new double[nodes];
        for (var v = 0; v < nodes; v++)
        {
            weights[v] = 1 + random.Next(0, 100);
        }

        var build = new Measurements();
        var sort = new Measurements();
        var cycles = new Measurements();
        var critical = new Measurements();
        var core = new Measurements();
        var total = new Measurements();
        var edgeCount = 0;
        var criticalLength = 0.0;
        var cold = 0.0;
        for (var run = 0; run < warmup + repeat; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            var clock = Stopwatch.StartNew();
            var graph = BuildGraph(nodes, from, to);
            var tBuild = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            var order = graph.TopologicalOrder();
            var tSort = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            var found = graph.FindCycles();
            var tCycles = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            var path = graph.CriticalPath(weights);
            var tCritical = clock.Elapsed.TotalMilliseconds;

            if (!order.IsSuccess || !found.IsEmpty || order.Order.Length != nodes)
            {
                throw new InvalidOperationException("The generated graph should be a DAG.");
            }

            edgeCount = graph.EdgeCount;
            if (run == 0)
            {
                // The first run pays for JIT compilation, as a one-shot CLI invocation does.
                cold = tBuild + tSort + tCycles;
            }

            criticalLength = path.Length;
            if (run < warmup)
            {
                continue;
            }

            build.Add(tBuild);
            sort.Add(tSort);
            cycles.Add(tCycles);
            critical.Add(tCritical);
            core.Add(tBuild + tSort + tCycles);
            total.Add(tBuild + tSort + tCycles + tCritical);
        }

        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        var reductionLine = string.Empty;
        if (reduction)
        {
            // Display-only and O(V·E/64), so it runs once, after the peak of the main phases has been read.
            var graph = BuildGraph(nodes, from, to);
            var clock = Stopwatch.StartNew();
            var reduced = graph.TransitiveReduction();
            reductionLine = string.Create(
                CultureInfo.InvariantCulture,
                $"  transitive reduction     {clock.Elapsed.TotalMilliseconds,9:F2}  ({graph.EdgeCount:N0} -> {reduced.EdgeCount:N0} edges, peak working set now {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0):F0} MB)");
        }
        if (format == "markdown")
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {nodes:N0} | {edgeCount:N0} | {build.Median:F1} | {sort.Median:F1} | {cycles.Median:F1} | {critical.Median:F1} | {core.Median:F1} | {cold:F1} | {total.Median:F1} | {peakMb:F0} |"));
            return 0;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"graph: {nodes:N0} nodes, {edgeCount:N0} edges, up to {maxDeps} dependencies each, seed {seed}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median of {repeat} runs after {warmup} warm-up (min in brackets), milliseconds:"));
        Line(output, "build", build);
        Line(output, "topological sort", sort);
        Line(output, "cycle detection (SCC)", cycles);
        Line(output, "critical path", critical);
        Line(output, "build + sort + cycles", core);
        Line(output, "total", total);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  build + sort + cycles, first run (JIT) {cold:F2}"));
        if (reduction)
        {
            output.WriteLine(reductionLine);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  critical path length     {criticalLength:F0}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak working set         {peakMb:F0} MB"));
        return 0;
    }

    private static DependencyGraph<int> BuildGraph(int nodes, List<int> from, List<int> to)
    {
        var builder = new DependencyGraphBuilder<int>(nodes, from.Count);
        for (var v = 0; v < nodes; v++)
        {
            builder.AddNode(v);
        }

        for (var i = 0; i < from.Count; i++)
        {
            builder.AddEdge(from[i], to[i]);
        }

        return builder.Build();
    }

    private static void Line(TextWriter output, string name, Measurements m) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-24} {m.Median,9:F2}  ({m.Min:F2})"));
}
