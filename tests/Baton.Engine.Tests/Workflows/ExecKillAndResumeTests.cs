using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Baton.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Baton.Engine.Tests.Workflows;

/// <summary>
/// Kills a real <c>baton run</c> with SIGKILL, to it alone, while its <c>exec</c> step runs: the step's processes must
/// die with the worker, and the retry after <c>baton resume</c> must never run beside what the first attempt left.
/// </summary>
public sealed class ExecKillAndResumeTests(ITestOutputHelper output)
{
    // Each attempt appends "start PID" to attempts, then "PID NANOSECONDS" to beats every 100 ms through a child
    // (sleep), and "end PID" when it finishes: 30 s for the first attempt, 1 s for a retry (it finds the marker).
    private const string Yaml = """
        stack: orphan
        workflows:
          long:
            steps:
              slow:
                uses: exec
                retry: { attempts: 3, backoff: 50ms }
                with:
                  command:
                    - sh
                    - -c
                    - |
                      echo "start $$" >> attempts
                      n=300; test -f marker && n=10; touch marker
                      i=0
                      while [ $i -lt $n ]; do echo "$$ $(date +%s%N)" >> beats; sleep 0.1; i=$((i+1)); done
                      echo "end $$" >> attempts
        """;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Run_WorkerKilledMidExecStep_StepProcessDiesWithIt_AndTheRetryNeverOverlapsIt()
    {
        var directory = Directory.CreateTempSubdirectory("baton-wf-orphan-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "baton.yaml"), Yaml);
            int first;
            using (var worker = BatonProcess.Start(directory.FullName, "run", "long", "."))
            {
                first = await FirstAttemptAsync(directory.FullName, worker);
                await Task.Delay(500);
                Assert.True(ProcFs.IsRunning(first), $"the first attempt (pid {first}) stopped before its worker was killed");
                worker.KillAlone();
            }

            var killed = Stopwatch.StartNew();
            while (ProcFs.IsRunning(first) && killed.Elapsed < TimeSpan.FromSeconds(2))
            {
                await Task.Delay(20);
            }

            Assert.False(ProcFs.IsRunning(first), $"the first attempt (pid {first}) still ran {killed.Elapsed.TotalSeconds:F1} s after its worker was killed");
            output.WriteLine($"the first attempt was gone {killed.ElapsedMilliseconds} ms after its worker");

            var (exit, stdout, stderr) = await BatonProcess.RunAsync(directory.FullName, CommandTimeout, "resume", ".");
            Assert.True(exit == 0, $"baton resume failed (exit {exit}): {stderr}\n{stdout}");

            var attempts = WorkflowFixture.Lines(directory.FullName, "attempts");
            var starts = attempts.Where(l => l.StartsWith("start ", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, starts.Count);
            Assert.Single(attempts, l => l.StartsWith("end ", StringComparison.Ordinal));

            // No two attempts ever beat at the same time: each attempt's beats lie wholly before the next one's.
            var spans = WorkflowFixture.Lines(directory.FullName, "beats")
                .Select(l => l.Split(' '))
                .GroupBy(f => f[0], StringComparer.Ordinal)
                .Select(g => (Pid: g.Key, First: g.Min(f => long.Parse(f[1], CultureInfo.InvariantCulture)), Last: g.Max(f => long.Parse(f[1], CultureInfo.InvariantCulture))))
                .OrderBy(s => s.First)
                .ToList();
            Assert.Equal(2, spans.Count);
            Assert.True(spans[1].First > spans[0].Last,
                $"attempt {spans[1].Pid} beat at {spans[1].First} while attempt {spans[0].Pid} still beat until {spans[0].Last} ({(spans[0].Last - spans[1].First) / 1e6:F0} ms of overlap)");

            var (listed, runsOut, runsError) = await BatonProcess.RunAsync(directory.FullName, CommandTimeout, "runs", ".", "--json");
            Assert.True(listed == 0, $"baton runs failed: {runsError}");
            var run = JsonNode.Parse(runsOut)!.AsArray().Single()!;
            Assert.Equal("succeeded", run["status"]!.GetValue<string>());
            var (shown, showOut, showError) = await BatonProcess.RunAsync(directory.FullName, CommandTimeout, "runs", "show", run["id"]!.GetValue<string>(), ".", "--json");
            Assert.True(shown == 0, $"baton runs show failed: {showError}");
            Assert.Single(JsonNode.Parse(showOut)!["events"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "step.succeeded");
            Assert.Single(JsonNode.Parse(showOut)!["events"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "run.succeeded");
        }
        finally
        {
            KillLeftovers(directory.FullName);
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Waits for the first attempt to start beating and returns its pid.</summary>
    private static async Task<int> FirstAttemptAsync(string directory, BatonProcess worker)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < CommandTimeout)
        {
            var start = WorkflowFixture.Lines(directory, "attempts").FirstOrDefault(l => l.StartsWith("start ", StringComparison.Ordinal));
            if (start is not null)
            {
                var pid = start["start ".Length..];
                if (WorkflowFixture.Lines(directory, "beats").Any(l => l.StartsWith(pid + " ", StringComparison.Ordinal)))
                {
                    return int.Parse(pid, CultureInfo.InvariantCulture);
                }
            }

            if (worker.HasExited)
            {
                var (code, stdout, stderr) = await worker.WaitAsync(CommandTimeout);
                Assert.Fail($"baton run ended (exit {code}) before its step started: {stderr}\n{stdout}");
            }

            await Task.Delay(20);
        }

        Assert.Fail("the exec step did not start");
        return 0;
    }

    /// <summary>Kills what a failed run of the test may have left: every process whose working directory is the test's.</summary>
    private static void KillLeftovers(string directory)
    {
        foreach (var pid in ProcFs.Pids())
        {
            try
            {
                if (new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget is { } cwd && cwd.StartsWith(directory, StringComparison.Ordinal))
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Gone already, or not ours to look at.
            }
        }
    }
}
