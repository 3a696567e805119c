using System.Diagnostics;
using System.Globalization;
using System.Text;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Binding;
using Baton.Spec;
using Baton.Text;

namespace Baton.Bench;

/// <summary>
/// Times what <c>baton validate</c> and <c>baton graph</c> do for a whole stack file: parse the YAML with positions,
/// check its shape, then bind it (references, types, expansion) and build the dependency graph of its instances.
/// The stack has N <c>sim.resource</c>s, each referencing up to a few earlier ones, the same DAG shape as <c>graph</c>.
/// </summary>
internal sealed class StackBenchmark : IBenchmarkCommand
{
    public string Name => "stack";

    public string Summary => "parse + check + graph of a generated stack file (--resources 100000 --max-deps 3 --repeat 5 --warmup 1 --seed 42 --format text|markdown)";

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var resources = arguments.Int("resources", 100_000, 1);
        var maxDeps = arguments.Int("max-deps", 3, 0);
        var repeat = arguments.Int("repeat", 5, 1);
        var warmup = arguments.Int("warmup", 1, 0);
        var seed = arguments.Int("seed", 42, 0);
        var format = arguments.Text("format", "text", "text", "markdown");
        arguments.RejectUnknown();

        var text = Generate(resources, maxDeps, seed);
        var parse = new Measurements();
        var bind = new Measurements();
        var total = new Measurements();
        var cold = 0.0;
        var edges = 0;
        for (var run = 0; run < warmup + repeat; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var diagnostics = new DiagnosticBag();
            var clock = Stopwatch.StartNew();
            var spec = StackLoader.Parse([new SourceFile("baton.yaml", text)], "bench", diagnostics);
            var parsed = clock.Elapsed.TotalMilliseconds;
            var bound = StackBinder.Bind(spec, [], NoFileAccessHost.Instance, new BindOptions(), diagnostics);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (diagnostics.HasErrors || !bound.IsAcyclic || bound.Graph.NodeCount != resources)
            {
                output.WriteLine($"the generated stack did not check: {diagnostics.FirstOrDefault(d => d.IsError)?.Message}");
                return 1;
            }

            edges = bound.Graph.EdgeCount;
            if (run == 0)
            {
                cold = elapsed;
            }

            if (run >= warmup)
            {
                parse.Add(parsed);
                bind.Add(elapsed - parsed);
                total.Add(elapsed);
            }
        }

        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        var bytes = Encoding.UTF8.GetByteCount(text) / (1024.0 * 1024.0);
        if (format == "markdown")
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {resources:N0} | {edges:N0} | {bytes:F1} | {parse.Median:F0} | {bind.Median:F0} | {total.Median:F0} | {cold:F0} | {total.Median * 1000 / resources:F1} | {peak:F0} |"));
        }
        else
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{resources:N0} resources, {edges:N0} edges, {bytes:F1} MB of YAML: parse {parse.Median:F0} ms, bind+graph {bind.Median:F0} ms, total {total.Median:F0} ms (first run {cold:F0} ms), {total.Median * 1000 / resources:F1} µs per resource, peak {peak:F0} MB"));
        }

        return 0;
    }

    /// <summary>A stack file whose resource r{i} references the ids of up to <paramref name="maxDeps"/> earlier resources.</summary>
    public static string Generate(int resources, int maxDeps, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(resources * 96);
        builder.Append("stack: bench\nvariables:\n  size: { type: string, default: small }\nresources:\n");
        for (var i = 0; i < resources; i++)
        {
            builder.Append("  r").Append(i).Append(":\n    type: sim.resource\n    properties:\n      input: { size: \"${var.size}\"");
            var count = i == 0 ? 0 : random.Next(0, maxDeps + 1);
            for (var d = 0; d < count; d++)
            {
                builder.Append(", d").Append(d).Append(": \"${r").Append(random.Next(0, i)).Append(".id}\"");
            }

            builder.Append(" }\n");
        }

        return builder.ToString();
    }
}
