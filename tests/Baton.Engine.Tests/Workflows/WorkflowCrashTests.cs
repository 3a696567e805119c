using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Baton.Engine.Tests.Workflows;

/// <summary>
/// Kills the real <c>baton run</c> and <c>baton resume</c> processes with SIGKILL at random moments of a workflow
/// (exec steps, a for_each, a retry, a wait, an on_exit step), resumes each time, and checks that every run ends
/// succeeded with each step's result recorded exactly once and the outputs of an uninterrupted run. An attempt in
/// flight when its worker dies counts as failed and is retried under the step's policy, so every step has one.
/// </summary>
public sealed class WorkflowCrashTests(ITestOutputHelper output)
{
    private const string Yaml = """
        stack: crash
        workflows:
          deploy:
            inputs:
              name: { type: string, default: world }
            steps:
              prepare:
                uses: exec
                retry: { attempts: 40, backoff: 50ms, max_backoff: 100ms }
                with: { command: [sh, -c, "echo prepare >> trace; printf ready"] }
              build:
                uses: exec
                retry: { attempts: 40, backoff: 50ms, max_backoff: 100ms }
                needs: [prepare]
                with: { command: [sh, -c, "echo build >> trace; sleep 0.2; printf 'built-%s' \"$1\"", sh, "${steps.prepare.outputs.stdout}"] }
              test:
                uses: exec
                retry: { attempts: 40, backoff: 50ms, max_backoff: 100ms }
                needs: [prepare]
                with: { command: [sh, -c, "echo test >> trace; sleep 0.3; printf ok"] }
              regions:
                uses: exec
                retry: { attempts: 40, backoff: 50ms, max_backoff: 100ms }
                needs: [build]
                for_each: [eu, us, ap]
                concurrency: 2
                with: { command: [sh, -c, "echo \"region-$1\" >> trace; sleep 0.2; printf '%s' \"$1\"", sh, "${each.value}"] }
              flaky:
                uses: exec
                needs: [test]
                retry: { attempts: 40, backoff: 100ms, max_backoff: 200ms }
                with: { command: [sh, -c, "echo flaky >> trace; n=$(cat flaky-count 2>/dev/null || echo 0); n=$((n+1)); echo $n > flaky-count; test $n -ge 3"] }
              pause:
                uses: wait
                needs: [regions, flaky]
                with: { duration: 1s }
              publish:
                uses: exec
                retry: { attempts: 40, backoff: 50ms, max_backoff: 100ms }
                needs: [pause]
                with: { command: [sh, -c, "echo publish >> trace; printf 'published-%s' \"$1\"", sh, "${inputs.name}"] }
              notify:
                uses: exec
                retry: { attempts: 40, backoff: 50ms, max_backoff: 100ms }
                needs: [publish, build]
                with: { command: [sh, -c, "echo notify >> trace; printf '%s+%s' \"$1\" \"$2\"", sh, "${steps.build.outputs.stdout}", "${steps.publish.outputs.stdout}"] }
            on_exit:
              cleanup:
                uses: exec
                retry: { attempts: 40, backoff: 50ms, max_backoff: 100ms }
                with: { command: [sh, -c, "echo cleanup >> trace"] }
            outputs:
              build: ${steps.build.outputs.stdout}
              test: ${steps.test.outputs.stdout}
              notify: ${steps.notify.outputs.stdout}
              flaky: ${steps.flaky.outputs.exit_code}
        """;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_KilledAtRandomMoments_ResumesToTheSameResult_WithEachStepRecordedOnce()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BATON_CRASH_SEED"), out var s) ? s : 20261123;
        var random = new Random(seed);
        var baseline = Directory.CreateTempSubdirectory("baton-wf-base-");
        var directory = Directory.CreateTempSubdirectory("baton-wf-crash-");
        try
        {
            // An uninterrupted run gives the expected outputs and step keys; how long a quick command takes tells
            // how long the process needs to start, so the kills land while it works rather than while it loads.
            await File.WriteAllTextAsync(Path.Combine(baseline.FullName, "baton.yaml"), Yaml);
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "baton.yaml"), Yaml);
            var (baseExit, baseOut, baseError) = await BatonProcess.RunAsync(baseline.FullName, CommandTimeout, "run", "deploy", ".");
            Assert.True(baseExit == 0, $"the uninterrupted run failed (exit {baseExit}): {baseError}\n{baseOut}");
            var expected = await ShowAsync(baseline.FullName, (await RunsAsync(baseline.FullName)).Single()!["id"]!.GetValue<string>());
            var expectedOutputs = expected["outputs"]!.ToJsonString();
            var expectedKeys = StepKeys(expected);
            Assert.Equal(12, expectedKeys.Count);

            var startup = Stopwatch.StartNew();
            await BatonProcess.RunAsync(directory.FullName, CommandTimeout, "runs", ".");
            var startupMs = (int)Math.Min(startup.ElapsedMilliseconds, 1500);

            var clock = Stopwatch.StartNew();
            var kills = 0;
            var midRun = 0;
            var finishedBetweenKills = 0;
            var needRun = true;
            // Under load start-up is slower and fewer kills land mid-run: go on until both counts are met, within a bound.
            while ((kills < 20 || midRun < 5) && clock.Elapsed < TimeSpan.FromSeconds(150))
            {
                var traceBefore = TraceLength(directory.FullName);
                using var process = needRun
                    ? BatonProcess.Start(directory.FullName, "run", "deploy", ".")
                    : BatonProcess.Start(directory.FullName, "resume", ".");
                // A quarter of the kills land at a random moment of start-up and recovery, the rest once it has had
                // the time to load, so they land while steps run, timers wait and transitions commit.
                await Task.Delay(random.Next(4) == 0 ? random.Next(50, 600) : startupMs + random.Next(0, 600));
                if (process.HasExited)
                {
                    var (code, stdout, stderr) = await process.WaitAsync(CommandTimeout);
                    Assert.True(code == 0, $"a run or resume between kills failed (exit {code}): {stderr}\n{stdout}");

                    // Everything started so far has finished; start another run so the kills go on landing mid-run.
                    needRun = true;
                    finishedBetweenKills++;
                    continue;
                }

                process.Kill();
                kills++;
                needRun = false;
                if (TraceLength(directory.FullName) > traceBefore)
                {
                    midRun++;
                }
            }

            var (exit, finalOut, finalError) = await BatonProcess.RunAsync(directory.FullName, CommandTimeout, "resume", ".");
            Assert.True(exit == 0, $"the final resume failed (exit {exit}): {finalError}\n{finalOut}");
            output.WriteLine($"{kills} kills ({midRun} while steps ran), {finishedBetweenKills} processes finished between kills, seed {seed}, startup {startupMs} ms, {clock.Elapsed.TotalSeconds:F1} s");
            Assert.True(kills >= 20, $"only {kills} kills in the time allowed");
            Assert.True(midRun >= 5, $"only {midRun} of {kills} kills landed while steps ran");

            var runs = await RunsAsync(directory.FullName);
            Assert.NotEmpty(runs);
            foreach (var run in runs.Select(r => r!))
            {
                var id = run["id"]!.GetValue<string>();
                Assert.True(run["status"]!.GetValue<string>() == "succeeded", $"run {id} is {run["status"]}: {run["error"]}");
                var shown = await ShowAsync(directory.FullName, id);
                Assert.Equal(expectedKeys, StepKeys(shown));
                var succeeded = shown["events"]!.AsArray()
                    .Where(e => e!["kind"]!.GetValue<string>() == "step.succeeded")
                    .GroupBy(e => e!["step"]!.GetValue<string>(), StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                Assert.All(expectedKeys, key => Assert.True(succeeded.GetValueOrDefault(key) == 1, $"run {id}: step {key} succeeded {succeeded.GetValueOrDefault(key)} times"));
                Assert.Equal(expectedOutputs, shown["outputs"]!.ToJsonString());
            }
        }
        finally
        {
            baseline.Delete(recursive: true);
            directory.Delete(recursive: true);
        }
    }

    private static long TraceLength(string directory)
    {
        var path = Path.Combine(directory, "trace");
        return File.Exists(path) ? new FileInfo(path).Length : 0;
    }

    private static List<string> StepKeys(JsonNode shown) =>
        [.. shown["steps"]!.AsArray().Select(s => s!["key"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

    private static async Task<JsonArray> RunsAsync(string directory)
    {
        var (exit, stdout, stderr) = await BatonProcess.RunAsync(directory, CommandTimeout, "runs", ".", "--json");
        Assert.True(exit == 0, $"baton runs failed: {stderr}");
        return JsonNode.Parse(stdout)!.AsArray();
    }

    private static async Task<JsonNode> ShowAsync(string directory, string runId)
    {
        var (exit, stdout, stderr) = await BatonProcess.RunAsync(directory, CommandTimeout, "runs", "show", runId, ".", "--json");
        Assert.True(exit == 0, $"baton runs show failed: {stderr}");
        return JsonNode.Parse(stdout)!;
    }
}
