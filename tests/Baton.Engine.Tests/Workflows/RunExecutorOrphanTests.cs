using System.Diagnostics;
using System.Globalization;
using Baton.Engine.Tests.Support;
using Baton.Runs;
using Baton.Values;

namespace Baton.Engine.Tests.Workflows;

/// <summary>
/// Resuming an interrupted <c>exec</c> attempt whose recorded process group still runs (a worker that died without
/// taking it along): the group is killed, and gone, before the retry starts; a recorded pid that now names another
/// process (another start time) is left alone.
/// </summary>
public sealed class RunExecutorOrphanTests
{
    private static readonly CancellationToken Token = CancellationToken.None;

    // The retry notes whether the orphan (its pid in orphan-pid) is still there, not a zombie, when it starts.
    private const string Yaml = """
        stack: wf
        workflows:
          resume:
            steps:
              slow:
                uses: exec
                retry: { attempts: 3, backoff: 50ms }
                with:
                  command:
                    - sh
                    - -c
                    - |
                      p=$(cat orphan-pid)
                      s=$(cut -d' ' -f3 /proc/$p/stat 2>/dev/null)
                      if [ -n "$s" ] && [ "$s" != Z ]; then echo alive >> overlap; fi
                      echo retried >> trace
        """;

    [Fact]
    public async Task Resume_InterruptedExecAttemptWhoseProcessGroupStillRuns_KillsTheGroupBeforeTheRetry()
    {
        await using var fixture = await WorkflowFixture.CreateAsync();
        using var orphan = StartOrphan(fixture.Directory);
        var ticks = ProcFs.StartTicks(orphan.Id);
        var runId = await InterruptedRunAsync(fixture, orphan.Id, ticks);

        RunRecord finished;
        try
        {
            await using var second = fixture.Runtime(owner: "worker-2");
            finished = await second.ExecuteAsync(runId, fixture.Host, null, Token).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            // Whatever the outcome, the test's orphan does not outlive it.
            Assert.True(orphan.WaitForExit(TimeSpan.FromSeconds(5)) || KillGroup(orphan), "the orphan still ran after the resumed run");
        }

        Assert.Equal(RunStatus.Succeeded, finished.Status);
        Assert.Equal(["retried"], fixture.Lines("trace"));
        Assert.Empty(fixture.Lines("overlap"));
        Assert.Empty(ProcFs.GroupMembers(orphan.Id));
        var events = await fixture.EventsAsync(runId);
        var killed = Assert.Single(events, e => e.Kind == "step.orphan_killed");
        Assert.Equal("slow", killed.Step);
        Assert.Equal(1, killed.Attempt);
        Assert.Equal(orphan.Id, (int)killed.Data.AsMap()["pid"].AsNumber());
        var retry = Assert.Single(events, e => e.Kind == "step.started" && e.Attempt == 2);
        Assert.True(killed.Seq < retry.Seq, "the retry started before the orphan was killed");
    }

    [Fact]
    public async Task Resume_RecordedPidNowWithAnotherStartTime_IsNotTakenForTheOrphan()
    {
        await using var fixture = await WorkflowFixture.CreateAsync();
        using var other = StartOrphan(fixture.Directory);
        try
        {
            // The pid of a live process, but not the start time recorded: the kernel gave the pid to another process.
            var runId = await InterruptedRunAsync(fixture, other.Id, ProcFs.StartTicks(other.Id) + 1);

            await using var second = fixture.Runtime(owner: "worker-2");
            var finished = await second.ExecuteAsync(runId, fixture.Host, null, Token).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(RunStatus.Succeeded, finished.Status);
            Assert.False(other.HasExited, "a process that only has the recorded pid was killed");
            Assert.DoesNotContain(await fixture.EventsAsync(runId), e => e.Kind == "step.orphan_killed");
        }
        finally
        {
            other.Kill(entireProcessTree: true);
            other.WaitForExit();
        }
    }

    /// <summary>A run whose attempt 1 of <c>slow</c> is recorded as started, with its process, by a worker that is gone.</summary>
    private static async Task<string> InterruptedRunAsync(WorkflowFixture fixture, int pid, long startTicks)
    {
        await File.WriteAllTextAsync(Path.Combine(fixture.Directory, "orphan-pid"), pid.ToString(CultureInfo.InvariantCulture));
        await using var first = fixture.Runtime(owner: "worker-1");
        var run = await first.CreateRunAsync(WorkflowFixture.Parse(Yaml), "resume", Value.EmptyMap, "test", Token);
        var now = DateTimeOffset.UtcNow;
        await fixture.Stores.Runs.AppendAsync(
        [
            new RunTransition { Event = new RunEvent { RunId = run.Id, Kind = "run.started", At = now }, RunStatus = RunStatus.Running },
            new RunTransition
            {
                Event = new RunEvent { RunId = run.Id, Kind = "step.started", Step = "slow", Attempt = 1, At = now },
                Step = new StepRecord { RunId = run.Id, Key = "slow", Status = StepStatus.Running, Attempt = 1, StartedAt = now },
            },
            new RunTransition
            {
                Event = new RunEvent
                {
                    RunId = run.Id, Kind = "step.process_started", Step = "slow", Attempt = 1, At = now,
                    Data = Value.Map([new("pid", Value.Number(pid)), new("start_ticks", Value.Number(startTicks))]),
                },
            },
        ], "worker-1", Token);
        await fixture.Stores.Runs.ReleaseRunAsync(run.Id, "worker-1", Token);
        return run.Id;
    }

    /// <summary>A process in a session and process group of its own (its pid), with a child that comes and goes.</summary>
    private static Process StartOrphan(string directory)
    {
        var info = new ProcessStartInfo("setsid") { WorkingDirectory = directory, UseShellExecute = false };
        foreach (var argument in (string[])["sh", "-c", "while :; do date +%s%N >> orphan-beats; sleep 0.05; done"])
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(directory, "orphan-beats")) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(10);
        }

        return process;
    }

    /// <summary>Kills the orphan's whole group (for the test's cleanup); false, so the assertion it serves fails.</summary>
    private static bool KillGroup(Process orphan)
    {
        using var kill = Process.Start("kill", ["-KILL", "--", "-" + orphan.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        orphan.WaitForExit();
        return false;
    }
}
