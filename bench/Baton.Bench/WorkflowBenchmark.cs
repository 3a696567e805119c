using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Baton.Diagnostics;
using Baton.Engine.Workflows;
using Baton.Expressions;
using Baton.Runs;
using Baton.Spec;
using Baton.Spec.Declarations;
using Baton.State;
using Baton.State.Sqlite;
using Baton.Text;
using Baton.Values;

namespace Baton.Bench;

/// <summary>
/// The durable workflow runtime on SQLite: N runs of a generated workflow of no-op steps (a chain, or a small DAG),
/// created with <see cref="WorkflowRuntime.CreateRunAsync"/> and then all executed at once with
/// <see cref="WorkflowRuntime.ExecuteAsync"/> on one runtime (one group-committing writer) over a real
/// <see cref="SqliteRunStore"/> (WAL, <c>synchronous=FULL</c>) in a temporary directory. Measures durable
/// transitions per second, transitions per commit, and dispatch latency: per step, from the moment it became ready
/// (the last of its needs' <c>step.succeeded</c> committed, or <c>run.started</c> for a step without needs) to its
/// <c>step.started</c> committed. Next to it, in the same process and directory, the disk's own limit: a loop of
/// 8 KiB write + fsync.
/// </summary>
internal sealed class WorkflowBenchmark : IBenchmarkCommand
{
    private const int FsyncBlock = 8 * 1024;
    private static readonly TimeSpan FsyncBudget = TimeSpan.FromSeconds(2);

    public string Name => "workflows";

    public string Summary => "durable transitions/s and step dispatch latency of N concurrent runs of a no-op workflow on SQLite, next to an fsync loop (--runs 1000 --steps 10 --shape chain|dag --repeat 5 --warmup 1 --fsyncs 2000 (at most 2 s) --format text|markdown)";

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var runs = arguments.Int("runs", 1_000, 1);
        var steps = arguments.Int("steps", 10, 1);
        var shape = arguments.Text("shape", "chain", "chain", "dag");
        var repeat = arguments.Int("repeat", 5, 1);
        var warmup = arguments.Int("warmup", 1, 0);
        var fsyncs = arguments.Int("fsyncs", 2_000, 1);
        var format = arguments.Text("format", "text", "text", "markdown");
        arguments.RejectUnknown();

        var workflow = Workflow(steps, shape);
        var results = new List<Repetition>();
        for (var i = 0; i < warmup + repeat; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();

            // The warm-up repetitions run a tenth of the runs: enough to JIT the paths, not counted.
            var result = RunOnceAsync(workflow, i < warmup ? Math.Max(1, runs / 10) : runs, fsyncs).GetAwaiter().GetResult();
            if (i >= warmup)
            {
                results.Add(result);
            }

            if (format == "text")
            {
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {(i < warmup ? "warm-up" : "run " + (i - warmup + 1)),-8} {result.Runs,6:N0} runs: {result.Transitions,7:N0} transitions in {result.WallMs,7:F0} ms (all runs started by {result.AllStartedMs,5:F0} ms) = {result.TransitionsPerSecond,7:N0}/s, {result.Commits,6:N0} commits ({result.TransitionsPerCommit,5:F1}/commit), dispatch p50 {result.P50,6:F2} ms p99 {result.P99,6:F2} ms max {result.Max,6:F1} ms; create {result.CreateMs,6:F0} ms; fsync loop {result.FsyncsPerSecond,6:N0}/s; checked: {result.Check}"));
            }
        }

        double Median(Func<Repetition, double> pick)
        {
            var m = new Measurements();
            foreach (var r in results)
            {
                m.Add(pick(r));
            }

            return m.Median;
        }

        var throughput = Median(r => r.TransitionsPerSecond);
        var p50 = Median(r => r.P50);
        var p99 = Median(r => r.P99);
        var perCommit = Median(r => r.TransitionsPerCommit);
        var fsyncRate = Median(r => r.FsyncsPerSecond);
        var wall = Median(r => r.WallMs);
        var create = Median(r => r.CreateMs);
        var transitions = results[0].Transitions;
        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        if (format == "markdown")
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {runs:N0} | {steps} ({shape}) | {transitions:N0} | {results.Count} | {wall:F0} | {Median(r => r.AllStartedMs):F0} | {throughput:N0} | {p50:F2} | {p99:F2} | {perCommit:F1} | {fsyncRate:N0} | {throughput / fsyncRate:F1} | {runs / (create / 1000):N0} | {peakMb:F0} |"));
            return 0;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"workflows: {runs:N0} concurrent runs of {steps} no-op steps ({shape}), SQLite WAL synchronous=FULL, median of {results.Count} run(s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  transitions per repetition   {transitions,9:N0}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  execute wall                 {wall,9:F0} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  all runs started (claim, load, run.started) {Median(r => r.AllStartedMs),0:F0} ms into it"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  durable transitions/s        {throughput,9:N0}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  dispatch latency p50         {p50,9:F2} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  dispatch latency p99         {p99,9:F2} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  transitions per commit       {perCommit,9:F1}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fsync loop (8 KiB + fsync)   {fsyncRate,9:N0} /s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  transitions/s ÷ fsyncs/s     {throughput / fsyncRate,9:F1}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  create runs (one tx each)    {create,9:F0} ms = {runs / (create / 1000),7:N0} runs/s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak working set             {peakMb,9:F0} MB"));
        return 0;
    }

    /// <summary>The stack text: one workflow <c>bench</c> of <paramref name="steps"/> steps, each <c>uses: bench.noop</c>.</summary>
    private static string Workflow(int steps, string shape)
    {
        var text = new StringBuilder("stack: bench\nworkflows:\n  bench:\n    steps:\n");
        for (var i = 1; i <= steps; i++)
        {
            var needs = shape == "chain" ? (i == 1 ? [] : [i - 1]) : DagNeeds(i, steps);
            text.Append(CultureInfo.InvariantCulture, $"      s{i}: {{ uses: bench.noop");
            if (needs.Length > 0)
            {
                text.Append(", needs: [").Append(string.Join(", ", needs.Select(n => "s" + n.ToString(CultureInfo.InvariantCulture)))).Append(']');
            }

            text.Append(" }\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// A small DAG: step 1 fans out to 2–4, which join pairwise into the next ones, each step needing the one or two
    /// steps three before and two before it; the last step joins whatever is left (so the workflow has one sink).
    /// </summary>
    private static int[] DagNeeds(int i, int steps)
    {
        if (i == 1)
        {
            return [];
        }

        if (i <= 4)
        {
            return [1];
        }

        if (i == steps)
        {
            return [.. Enumerable.Range(Math.Max(1, steps - 3), Math.Min(3, steps - 1))];
        }

        return [i - 3, i - 2];
    }

    private static async Task<Repetition> RunOnceAsync(string text, int count, int fsyncs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "baton-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        try
        {
            var diagnostics = new DiagnosticBag();
            var stack = StackLoader.Parse([new SourceFile("baton.yaml", text)], "bench", diagnostics);
            var workflow = stack.Workflows.FirstOrDefault(w => w.Name == "bench");
            if (diagnostics.HasErrors || workflow is null)
            {
                throw new InvalidOperationException($"the generated workflow does not parse: {diagnostics.FirstOrDefault(d => d.IsError)?.Message}");
            }

            var result = new Repetition { Runs = count, FsyncsPerSecond = FsyncLoop(Path.Combine(directory, "fsync.bin"), fsyncs) };
            using var protector = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));
            await using var stores = await SqliteStores.OpenAsync(Path.Combine(directory, ".baton", "state.db"), protector, TimeProvider.System, CancellationToken.None);
            var host = new NoOpHost(directory);
            var observer = new DispatchObserver(workflow, count);
            var ids = new string[count];
            await using (var runtime = new WorkflowRuntime(stores.Runs, new WorkflowRuntimeOptions { Owner = "bench:" + Environment.ProcessId }))
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < count; i++)
                {
                    ids[i] = (await runtime.CreateRunAsync(stack, "bench", Value.EmptyMap, "bench", CancellationToken.None)).Id;
                }

                result.CreateMs = clock.Elapsed.TotalMilliseconds;

                var transitionsBefore = runtime.Transitions;
                var commitsBefore = runtime.Commits;
                var start = Stopwatch.GetTimestamp();
                clock.Restart();
                var executions = ids.Select(id => Task.Run(() => runtime.ExecuteAsync(id, host, observer, CancellationToken.None))).ToArray();
                var finished = await Task.WhenAll(executions);
                result.WallMs = clock.Elapsed.TotalMilliseconds;
                result.AllStartedMs = Stopwatch.GetElapsedTime(start, observer.LastRunStarted).TotalMilliseconds;
                result.Transitions = runtime.Transitions - transitionsBefore;
                result.Commits = runtime.Commits - commitsBefore;
                result.Check = await CheckAsync(stores.Runs, finished, workflow.Steps.Length);
            }

            var latencies = observer.Latencies();
            if (latencies.Length != count * workflow.Steps.Length)
            {
                throw new InvalidOperationException($"expected {count * workflow.Steps.Length} dispatch latencies, measured {latencies.Length}");
            }

            Array.Sort(latencies);
            result.P50 = Percentile(latencies, 0.50);
            result.P99 = Percentile(latencies, 0.99);
            result.Max = latencies[^1];
            return result;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Every run succeeded, and its stored history holds exactly one <c>step.succeeded</c> per step.</summary>
    private static async Task<string> CheckAsync(IRunStore store, RunRecord[] finished, int steps)
    {
        var succeeded = 0;
        var exact = 0;
        foreach (var run in finished)
        {
            var stored = await store.GetRunAsync(run.Id, CancellationToken.None);
            if (run.Status == RunStatus.Succeeded && stored?.Status == RunStatus.Succeeded)
            {
                succeeded++;
            }

            var events = await store.ReadRunEventsAsync(run.Id, 0, 10_000, CancellationToken.None);
            if (events.Count(e => e.Kind == "step.succeeded") == steps && events.Where(e => e.Kind == "step.succeeded").Select(e => e.Step).Distinct().Count() == steps)
            {
                exact++;
            }
        }

        if (succeeded != finished.Length || exact != finished.Length)
        {
            throw new InvalidOperationException($"sanity check failed: {succeeded} of {finished.Length} runs succeeded, {exact} have exactly {steps} step.succeeded events");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{succeeded:N0}/{finished.Length:N0} runs succeeded, each with {steps} step.succeeded");
    }

    /// <summary>8 KiB written at the next offset of a 16 MiB file (wrapping, like a log being reused), then fsync; ops/s over <paramref name="count"/> of them or 2 s, whichever ends first.</summary>
    private static double FsyncLoop(string path, int count)
    {
        const int region = 16 * 1024 * 1024;
        var block = new byte[FsyncBlock];
        Random.Shared.NextBytes(block);
        using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        file.SetLength(region);
        file.Flush(flushToDisk: true);
        var clock = Stopwatch.StartNew();
        long offset = 0;
        var done = 0;
        while (done < count && clock.Elapsed < FsyncBudget)
        {
            RandomAccess.Write(file.SafeFileHandle, block, offset);
            file.Flush(flushToDisk: true);
            offset = (offset + FsyncBlock) % region;
            done++;
        }

        return done / clock.Elapsed.TotalSeconds;
    }

    private static double Percentile(double[] sorted, double p)
    {
        var index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    private sealed class Repetition
    {
        public int Runs { get; init; }

        public double FsyncsPerSecond { get; init; }

        public double CreateMs { get; set; }

        public double WallMs { get; set; }

        public double AllStartedMs { get; set; }

        public long Transitions { get; set; }

        public long Commits { get; set; }

        public double P50 { get; set; }

        public double P99 { get; set; }

        public double Max { get; set; }

        public string Check { get; set; } = "";

        public double TransitionsPerSecond => Transitions / (WallMs / 1000);

        public double TransitionsPerCommit => Commits == 0 ? 0 : (double)Transitions / Commits;
    }

    /// <summary>The benchmark's action: <c>bench.noop</c> succeeds at once with no outputs; expressions see no roots.</summary>
    private sealed class NoOpHost(string directory) : IWorkflowHost
    {
        private static readonly Task<StepOutcome> Done = Task.FromResult(StepOutcome.Success(Value.EmptyMap));
        private static readonly Task<IEvaluationScope> Scope = Task.FromResult<IEvaluationScope>(EvaluationScope.Empty);

        public string StackDirectory { get; } = directory;

        public Task<IEvaluationScope> ScopeAsync(CancellationToken cancellationToken) => Scope;

        public Task<StepOutcome> InvokeAsync(StepInvocation invocation, CancellationToken cancellationToken) => Done;
    }

    /// <summary>
    /// Dispatch latency per step: ready when the last of its needs' <c>step.succeeded</c> (or <c>run.started</c>, for a
    /// step without needs) was committed, dispatched when its <c>step.started</c> was. A run's transitions are observed
    /// from its own executor, one at a time, so each run's tracker needs no lock.
    /// </summary>
    private sealed class DispatchObserver : IRunObserver
    {
        private readonly WorkflowSpec _workflow;
        private readonly Dictionary<string, string[]> _dependents = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, RunTracker> _runs = new(StringComparer.Ordinal);
        private readonly double[] _latencies;
        private int _count;
        private long _lastRunStarted;

        public DispatchObserver(WorkflowSpec workflow, int runs)
        {
            _workflow = workflow;
            _latencies = new double[runs * workflow.Steps.Length];
            foreach (var step in workflow.Steps)
            {
                _dependents[step.Id] = [.. workflow.Steps.Where(s => s.Needs.Any(n => n.Name == step.Id)).Select(s => s.Id)];
            }
        }

        /// <summary>When the last run's <c>run.started</c> was committed (a <see cref="Stopwatch"/> timestamp).</summary>
        public long LastRunStarted => Interlocked.Read(ref _lastRunStarted);

        public double[] Latencies() => _latencies[..Volatile.Read(ref _count)];

        public void OnTransition(RunRecord run, RunTransition transition)
        {
            var now = Stopwatch.GetTimestamp();
            var tracker = _runs.GetOrAdd(run.Id, _ => new RunTracker(_workflow));
            switch (transition.Event.Kind)
            {
                case "run.started":
                    InterlockedMax(ref _lastRunStarted, now);
                    foreach (var step in _workflow.Steps.Where(s => s.Needs.Length == 0))
                    {
                        tracker.Ready[step.Id] = now;
                    }

                    break;
                case "step.succeeded" when transition.Event.Step is { } key:
                    foreach (var dependent in _dependents[key])
                    {
                        if (--tracker.Waiting[dependent] == 0)
                        {
                            tracker.Ready[dependent] = now;
                        }
                    }

                    break;
                case "step.started" when transition.Event.Step is { } key && tracker.Ready.Remove(key, out var ready):
                    var index = Interlocked.Increment(ref _count) - 1;
                    _latencies[index] = Stopwatch.GetElapsedTime(ready, now).TotalMilliseconds;
                    break;
            }
        }

        private static void InterlockedMax(ref long target, long value)
        {
            var seen = Interlocked.Read(ref target);
            while (value > seen)
            {
                var was = Interlocked.CompareExchange(ref target, value, seen);
                if (was == seen)
                {
                    return;
                }

                seen = was;
            }
        }

        private sealed class RunTracker(WorkflowSpec workflow)
        {
            public Dictionary<string, int> Waiting { get; } = workflow.Steps.ToDictionary(s => s.Id, s => s.Needs.Length, StringComparer.Ordinal);

            public Dictionary<string, long> Ready { get; } = new(StringComparer.Ordinal);
        }
    }
}
