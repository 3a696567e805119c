using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Baton.Diagnostics;
using Baton.Engine;
using Baton.Engine.Applying;
using Baton.Engine.Planning;
using Baton.Engine.Providers;
using Baton.Binding;
using Baton.Plans;
using Baton.Spec;
using Baton.State;
using Baton.State.Sqlite;
using Baton.Text;

namespace Baton.Bench;

/// <summary>
/// The whole engine, in process, as <c>baton apply</c> composes it: a generated stack of N <c>sim.resource</c>s on a
/// random DAG, a real SQLite state store and sim world in a temporary directory, then apply from empty, a no-op plan
/// (with and without refresh) and a destroy. With latencies, also the ratio of apply wall time to its lower bound.
/// </summary>
internal sealed class ApplyBenchmark : IBenchmarkCommand
{
    private static readonly ProviderRegistry Registry = ProviderRegistry.FromAssemblies([typeof(Baton.Providers.Sim.SimProviderFactory).Assembly]);

    public string Name => "apply";

    public string Summary => "apply, no-op plan and destroy (only apply, with latencies) of a generated sim stack, in process (--resources 1000 --latency 0|50ms|10ms-200ms --parallelism 32, 0 = unlimited --max-deps 3 --repeat 1 --seed 42 --format text|markdown --destroy true|false)";

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var resources = arguments.Int("resources", 1_000, 1);
        var latency = arguments.Text("latency", "0");
        var parallelism = arguments.Int("parallelism", 32, 0);
        var maxDeps = arguments.Int("max-deps", 3, 0);
        var repeat = arguments.Int("repeat", 1, 1);
        var seed = arguments.Int("seed", 42, 0);
        var format = arguments.Text("format", "text", "text", "markdown");
        var destroy = arguments.Text("destroy", "true", "true", "false") == "true";
        arguments.RejectUnknown();

        var (minLatency, maxLatency) = ParseLatency(latency);
        var dag = BenchDag.Generate(resources, maxDeps, seed, minLatency, maxLatency);
        var text = dag.ToBatonYaml();

        // The engine's own 0 means one worker; unlimited is one worker per resource.
        var workers = parallelism == 0 ? resources : parallelism;
        var runs = new List<RunTimes>();
        for (var i = 0; i < repeat; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            runs.Add(RunOnceAsync(text, resources, workers, applyOnly: maxLatency > 0, destroy, CancellationToken.None).GetAwaiter().GetResult());
        }

        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        double Median(Func<RunTimes, double> pick)
        {
            var m = new Measurements();
            foreach (var run in runs)
            {
                m.Add(pick(run));
            }

            return m.Median;
        }

        var load = Median(r => r.Load);
        var plan = Median(r => r.Plan);
        var apply = Median(r => r.Apply);
        var noop = Median(r => r.NoOpPlan);
        var noopLocal = Median(r => r.NoOpPlanNoRefresh);
        var destroyPlan = Median(r => r.DestroyPlan);
        var destroyApply = Median(r => r.DestroyApply);
        var applyTotal = Median(r => r.Load + r.Open + r.Plan + r.Apply);
        var us = 1000.0 / resources;
        var label = parallelism == 0 ? "unlimited" : parallelism.ToString(CultureInfo.InvariantCulture);

        if (maxLatency > 0)
        {
            var bound = dag.LowerBoundMs(parallelism);
            var critical = dag.CriticalPathMs();
            var totalLatency = dag.TotalLatencyMs();
            var greedy = dag.GreedyScheduleMs(parallelism);
            if (format == "markdown")
            {
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {resources:N0} | {label} | {critical:N0} | {totalLatency:N0} | {bound:N0} | {greedy:N0} ({greedy / bound:F3}) | {apply:N0} | {apply / bound:F3} | {apply / greedy:F3} | {runs.Count} | {peakMb:F0} |"));
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apply: {resources:N0} sim resources, {dag.EdgeCount:N0} edges, latency {latency}, parallelism {label}, seed {seed}, {runs.Count} run(s)"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  critical path {critical:N0} ms, total latency {totalLatency:N0} ms, lower bound {bound:N0} ms, ideal eager schedule {greedy:N0} ms ({greedy / bound:F3} of the bound), longest-path-first {dag.GreedyScheduleMs(parallelism, longestPathFirst: true):N0} ms"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  apply wall (median) {apply:N0} ms, ratio {apply / bound:F3} to the bound, {apply / greedy:F3} to the ideal schedule; each run: {string.Join(", ", runs.Select(r => r.Apply.ToString("F0", CultureInfo.InvariantCulture)))} ms"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak working set {peakMb:F0} MB"));
            }

            return 0;
        }

        if (format == "markdown")
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {resources:N0} | {dag.EdgeCount:N0} | {runs.Count} | {load:F0} | {plan:F0} | {apply:F0} | {applyTotal:F0} | {apply * us:F0} | {noop:F0} | {noopLocal:F0} | {destroyPlan + destroyApply:F0} | {(destroyPlan + destroyApply) * us:F0} | {runs[0].Load + runs[0].Open + runs[0].Plan + runs[0].Apply:F0} | {peakMb:F0} |"));
            return 0;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"apply: {resources:N0} sim resources, {dag.EdgeCount:N0} edges, latency {latency}, parallelism {label}, seed {seed}, median of {runs.Count} run(s), ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  load + bind + schema check   {load,9:F0}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  open store, lock, recover    {Median(r => r.Open),9:F0}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  plan (from empty)            {plan,9:F0}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  apply                        {apply,9:F0}   {apply * us,7:F1} µs/resource, {Median(r => r.Commits),6:F0} commits"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  load+open+plan+apply         {applyTotal,9:F0}   {applyTotal * us,7:F1} µs/resource (first run {runs[0].Load + runs[0].Open + runs[0].Plan + runs[0].Apply:F0})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  no-op plan, refresh          {noop,9:F0}   {noop * us,7:F1} µs/resource"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  no-op plan, no refresh       {noopLocal,9:F0}   {noopLocal * us,7:F1} µs/resource"));
        if (destroy)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  destroy plan (refresh)       {destroyPlan,9:F0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  destroy apply                {destroyApply,9:F0}   {(destroyPlan + destroyApply) * us,7:F1} µs/resource with its plan"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  each run, load+open+plan+apply / no-op plan / destroy: {string.Join("; ", runs.Select(r => $"{r.Load + r.Open + r.Plan + r.Apply:F0} / {r.NoOpPlan:F0} / {r.DestroyPlan + r.DestroyApply:F0}"))}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak working set             {peakMb,9:F0} MB (after apply {runs[0].PeakAfterApplyMb:F0} MB in the first run)"));
        return 0;
    }

    private static (int Min, int Max) ParseLatency(string text)
    {
        if (text is "0" or "0ms")
        {
            return (0, 0);
        }

        var parts = text.Split('-');
        if (parts.Length == 2 && Durations.TryParse(parts[0], out var min) && Durations.TryParse(parts[1], out var max) && min <= max && min > TimeSpan.Zero)
        {
            return ((int)min.TotalMilliseconds, (int)max.TotalMilliseconds);
        }

        if (parts.Length == 1 && Durations.TryParse(parts[0], out var fixedLatency) && fixedLatency > TimeSpan.Zero)
        {
            return ((int)fixedLatency.TotalMilliseconds, (int)fixedLatency.TotalMilliseconds);
        }

        throw new ArgumentException($"--latency must be 0, a duration such as 50ms, or a range such as 10ms-200ms, got '{text}'.");
    }

    private static async Task<RunTimes> RunOnceAsync(string text, int resources, int parallelism, bool applyOnly, bool destroy, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "baton-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(directory, ".baton"));
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "baton.yaml"), text, cancellationToken);
            var run = new RunTimes();
            var clock = Stopwatch.StartNew();
            var diagnostics = new DiagnosticBag();
            var spec = StackLoader.Load(directory, directory, diagnostics) ?? throw Failed("load", diagnostics);
            var host = new StackFileHost(directory);
            var bound = StackBinder.Bind(spec, [], host, new BindOptions { RequireAllVariables = true }, diagnostics);
            ProviderSchemaChecker.Check(spec, Registry, diagnostics);
            if (diagnostics.HasErrors || !bound.IsAcyclic || bound.Graph.NodeCount != resources)
            {
                throw Failed("bind", diagnostics);
            }

            run.Load = Lap(clock);
            using var protector = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));
            await using var stores = await SqliteStores.OpenAsync(Path.Combine(directory, ".baton", "state.db"), protector, TimeProvider.System, cancellationToken);
            await using var session = new StackSession(bound, directory, stores.State, stores.Locks, stores.Applies, Registry, host, TimeProvider.System);
            await using (var holder = await session.LockAsync("apply", TimeSpan.FromSeconds(10), cancellationToken))
            {
                await session.RecoverAsync(holder, cancellationToken);
                run.Open = Lap(clock);

                var options = new PlanOptions { Parallelism = parallelism };
                var (plan, state, _) = await session.PlanAsync(options, refresh: true, diagnostics, cancellationToken);
                Expect(diagnostics, plan.Changes.Count(c => c.Action == ChangeAction.Create) == resources, "the first plan should create every resource");
                run.Plan = Lap(clock);

                var result = await session.ApplyAsync(holder, plan, state, new ApplyOptions { Parallelism = parallelism }, null, CancellationToken.None, CancellationToken.None);
                run.Apply = Lap(clock);
                Expect(diagnostics, result.Succeeded, $"the apply should succeed: {result.Operations.FirstOrDefault(o => o.Outcome != OperationOutcome.Succeeded).Error}");
                run.Commits = result.Commits;
                run.PeakAfterApplyMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
                if (applyOnly)
                {
                    // With latencies only the apply is measured; the rest would wait out every latency again.
                    return run;
                }

                GC.Collect();
                clock.Restart();
                (plan, _, _) = await session.PlanAsync(options, refresh: true, diagnostics, cancellationToken);
                run.NoOpPlan = Lap(clock);
                Expect(diagnostics, !plan.HasChanges, "the plan after apply (refreshed) should have no changes");

                clock.Restart();
                (plan, _, _) = await session.PlanAsync(options, refresh: false, diagnostics, cancellationToken);
                run.NoOpPlanNoRefresh = Lap(clock);
                Expect(diagnostics, !plan.HasChanges, "the plan after apply (not refreshed) should have no changes");
            }

            if (destroy)
            {
                GC.Collect();
                clock.Restart();
                await using var holder = await session.LockAsync("destroy", TimeSpan.FromSeconds(10), cancellationToken);
                await session.RecoverAsync(holder, cancellationToken);
                var (plan, state, _) = await session.PlanAsync(new PlanOptions { Destroy = true, Parallelism = parallelism }, refresh: true, diagnostics, cancellationToken);
                run.DestroyPlan = Lap(clock);
                var result = await session.ApplyAsync(holder, plan, state, new ApplyOptions { Parallelism = parallelism }, null, CancellationToken.None, CancellationToken.None);
                run.DestroyApply = Lap(clock);
                Expect(diagnostics, result.Succeeded && result.Count(OperationOutcome.Succeeded) == resources, "the destroy should delete every resource");
            }

            return run;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static double Lap(Stopwatch clock)
    {
        var elapsed = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return elapsed;
    }

    private static void Expect(DiagnosticBag diagnostics, bool condition, string what)
    {
        if (!condition || diagnostics.HasErrors)
        {
            throw Failed(what, diagnostics);
        }
    }

    private static InvalidOperationException Failed(string what, DiagnosticBag diagnostics) =>
        new($"{what}: {diagnostics.FirstOrDefault(d => d.IsError)?.Message ?? "failed"}");

    private sealed class RunTimes
    {
        public double Load { get; set; }

        public double Open { get; set; }

        public double Plan { get; set; }

        public double Apply { get; set; }

        public double Commits { get; set; }

        public double PeakAfterApplyMb { get; set; }

        public double NoOpPlan { get; set; }

        public double NoOpPlanNoRefresh { get; set; }

        public double DestroyPlan { get; set; }

        public double DestroyApply { get; set; }
    }
}
