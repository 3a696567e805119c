using System.Diagnostics;
using System.Globalization;
using Baton.Runs;
using Baton.Values;

namespace Baton.Engine.Tests.Workflows;

/// <summary>
/// The workflow runtime end to end over a real SQLite run store, with exec steps that run real processes in a temp
/// stack directory (they leave their traces in files there).
/// </summary>
public sealed class RunExecutorTests
{
    private static readonly CancellationToken Token = CancellationToken.None;

    [Fact]
    public async Task Needs_RunInDependencyOrder_AndOutputsFlowBetweenSteps()
    {
        const string Yaml = """
            stack: wf
            workflows:
              dag:
                steps:
                  a:
                    uses: exec
                    with: { command: [sh, -c, "echo a >> trace; printf A"] }
                  b:
                    uses: exec
                    needs: [a]
                    with: { command: [sh, -c, "echo b >> trace; printf '%s-B' \"$1\"", sh, "${steps.a.outputs.stdout}"] }
                  c:
                    uses: exec
                    needs: [a]
                    with: { command: [sh, -c, "echo c >> trace"] }
                  d:
                    uses: exec
                    needs: [b, c]
                    with: { command: [sh, -c, "echo d >> trace; printf '%s-D' \"$1\"", sh, "${steps.b.outputs.stdout}"] }
                outputs:
                  result: ${steps.d.outputs.stdout}
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        var run = await fixture.RunAsync(Yaml, "dag");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("A-B-D", run.Outputs!.AsMap()["result"].AsString());
        var trace = fixture.Lines("trace");
        Assert.Equal(4, trace.Length);
        Assert.Equal("a", trace[0]);
        Assert.Equal(new string[] { "b", "c" }, trace[1..3].Order(StringComparer.Ordinal));
        Assert.Equal("d", trace[3]);
        var steps = await fixture.StepsAsync(run.Id);
        Assert.All(steps.Values, s => Assert.Equal(StepStatus.Succeeded, s.Status));
        Assert.True(steps["d"].StartedAt >= steps["b"].FinishedAt && steps["d"].StartedAt >= steps["c"].FinishedAt);
    }

    [Fact]
    public async Task IfFalse_SkipsTheStep_AndItsDependents()
    {
        const string Yaml = """
            stack: wf
            workflows:
              skip:
                steps:
                  a: { uses: exec, if: false, with: { command: [sh, -c, "echo a >> trace"] } }
                  b: { uses: exec, needs: [a], with: { command: [sh, -c, "echo b >> trace"] } }
                  c: { uses: exec, with: { command: [sh, -c, "echo c >> trace"] } }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        var run = await fixture.RunAsync(Yaml, "skip");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var steps = await fixture.StepsAsync(run.Id);
        Assert.Equal(StepStatus.Skipped, steps["a"].Status);
        Assert.Equal(StepStatus.Skipped, steps["b"].Status);
        Assert.Equal(StepStatus.Succeeded, steps["c"].Status);
        Assert.Equal(new string[] { "c" }, fixture.Lines("trace"));
        var skippedB = (await fixture.EventsAsync(run.Id)).Single(e => e.Kind == "step.skipped" && e.Step == "b");
        Assert.Contains("\"a\"", skippedB.Data.AsMap()["reason"].AsString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForEach_WithConcurrencyOne_RunsItemsOneAtATime()
    {
        // Each item holds a directory lock for 150 ms: mkdir fails when another item holds it.
        const string Yaml = """
            stack: wf
            workflows:
              fan:
                steps:
                  items:
                    uses: exec
                    for_each: [a, b, c, d]
                    concurrency: 1
                    with: { command: [sh, -c, "mkdir lock || echo overlap >> overlaps; echo \"$1\" >> trace; sleep 0.15; rmdir lock", sh, "${each.value}"] }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        var run = await fixture.RunAsync(Yaml, "fan");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Empty(fixture.Lines("overlaps"));
        Assert.Equal(new string[] { "a", "b", "c", "d" }, fixture.Lines("trace").Order(StringComparer.Ordinal));
        var items = (await fixture.StepsAsync(run.Id)).Values.Where(s => s.Key.StartsWith("items[", StringComparison.Ordinal)).OrderBy(s => s.StartedAt).ToList();
        Assert.Equal(4, items.Count);
        for (var i = 1; i < items.Count; i++)
        {
            Assert.True(items[i].StartedAt >= items[i - 1].FinishedAt, $"{items[i].Key} started before {items[i - 1].Key} finished");
        }

        var outputs = (await fixture.StepsAsync(run.Id))["items"].Outputs!.AsMap();
        Assert.Equal(new string[] { "0", "1", "2", "3" }, outputs.Keys);
    }

    [Fact]
    public async Task Retry_FailingTwiceThenSucceeding_SucceedsOnAttemptThree_AfterTheBackoff()
    {
        const string Yaml = """
            stack: wf
            workflows:
              flaky:
                steps:
                  flaky:
                    uses: exec
                    retry: { attempts: 3, backoff: 300ms, coefficient: 2 }
                    with: { command: [sh, -c, "echo try >> trace; test -f m2 && exit 0; test -f m1 && { touch m2; exit 1; }; touch m1; exit 1"] }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        var run = await fixture.RunAsync(Yaml, "flaky");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var step = (await fixture.StepsAsync(run.Id))["flaky"];
        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal(3, step.Attempt);
        Assert.Equal(3, fixture.Lines("trace").Length);
        var events = (await fixture.EventsAsync(run.Id)).Where(e => e.Step == "flaky").ToList();
        var started = events.Where(e => e.Kind == "step.started").ToList();
        var scheduled = events.Where(e => e.Kind == "step.retry_scheduled").ToList();
        Assert.Equal(new int[] { 1, 2, 3 }, started.Select(e => e.Attempt));
        Assert.Equal(2, scheduled.Count);

        // With a jitter draw of 1 the delays are the ceilings: 300 ms, then 600 ms, from the moment the failure was seen
        // (a moment before the event is stamped: up to a state write earlier), and no attempt starts before its retry_at.
        foreach (var (retry, delay) in new[] { (0, 300), (1, 600) })
        {
            var due = DateTimeOffset.Parse(scheduled[retry].Data.AsMap()["retry_at"].AsString(), CultureInfo.InvariantCulture);
            Assert.True(started[retry + 1].At >= due, $"retry {retry + 1} started at {started[retry + 1].At:O}, before its retry_at {due:O}");
            var scheduledFor = (due - scheduled[retry].At).TotalMilliseconds;
            Assert.InRange(scheduledFor, delay - 200, delay);
        }

        Assert.Single(events, e => e.Kind == "step.succeeded");
    }

    [Fact]
    public async Task PermanentFailure_AProgramThatDoesNotExist_IsNotRetried()
    {
        const string Yaml = """
            stack: wf
            workflows:
              missing:
                steps:
                  run:
                    uses: exec
                    retry: { attempts: 5, backoff: 10ms }
                    with: { command: [baton-test-no-such-program-4711] }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        var run = await fixture.RunAsync(Yaml, "missing");

        Assert.Equal(RunStatus.Failed, run.Status);
        var step = (await fixture.StepsAsync(run.Id))["run"];
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal(1, step.Attempt);
        var events = await fixture.EventsAsync(run.Id);
        Assert.DoesNotContain(events, e => e.Kind == "step.retry_scheduled");
        Assert.Single(events, e => e.Kind == "step.started");
        Assert.Contains("\"run\"", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttemptTimeout_StopsALongAttempt_AndFailsWithTimedOut()
    {
        const string Yaml = """
            stack: wf
            workflows:
              slow:
                steps:
                  slow:
                    uses: exec
                    attempt_timeout: 200ms
                    with: { command: [sleep, "5"] }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        var clock = Stopwatch.StartNew();
        var run = await fixture.RunAsync(Yaml, "slow");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"the run took {clock.Elapsed}");
        Assert.Equal(RunStatus.Failed, run.Status);
        var step = (await fixture.StepsAsync(run.Id))["slow"];
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("timed out", step.Error, StringComparison.Ordinal);
        Assert.Contains("timed out", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingStep_CompensatesCompletedStepsInReverseCompletionOrder_ThenRunsOnExit()
    {
        const string Yaml = """
            stack: wf
            workflows:
              saga:
                steps:
                  a:
                    uses: exec
                    with: { command: [sh, -c, "echo a >> trace"] }
                    compensate: { uses: exec, with: { command: [sh, -c, "echo undo-a >> trace"] } }
                  b:
                    uses: exec
                    needs: [a]
                    with: { command: [sh, -c, "echo b >> trace"] }
                    compensate: { uses: exec, with: { command: [sh, -c, "echo undo-b >> trace"] } }
                  c:
                    uses: exec
                    needs: [b]
                    with: { command: [sh, -c, "echo c >> trace"] }
                    compensate: { uses: exec, with: { command: [sh, -c, "echo undo-c >> trace"] } }
                  boom:
                    uses: exec
                    needs: [c]
                    with: { command: [sh, -c, "echo boom >> trace; exit 7"] }
                  after:
                    uses: exec
                    needs: [boom]
                    with: { command: [sh, -c, "echo after >> trace"] }
                on_exit:
                  cleanup: { uses: exec, with: { command: [sh, -c, "echo exit >> trace"] } }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        var run = await fixture.RunAsync(Yaml, "saga");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("\"boom\"", run.Error, StringComparison.Ordinal);
        Assert.Equal(new string[] { "a", "b", "c", "boom", "undo-c", "undo-b", "undo-a", "exit" }, fixture.Lines("trace"));
        var steps = await fixture.StepsAsync(run.Id);
        Assert.Equal(StepStatus.Compensated, steps["a"].Status);
        Assert.Equal(StepStatus.Compensated, steps["b"].Status);
        Assert.Equal(StepStatus.Compensated, steps["c"].Status);
        Assert.Equal(StepStatus.Failed, steps["boom"].Status);
        Assert.Equal(StepStatus.Skipped, steps["after"].Status);
        Assert.Equal(StepStatus.Succeeded, steps["cleanup"].Status);
    }

    [Fact]
    public async Task ContinueOnError_LetsDependentsRun_AndTheRunSucceed()
    {
        const string Yaml = """
            stack: wf
            workflows:
              lenient:
                steps:
                  optional: { uses: exec, continue_on_error: true, with: { command: [sh, -c, "exit 3"] } }
                  next: { uses: exec, needs: [optional], with: { command: [sh, -c, "echo next >> trace"] } }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        var run = await fixture.RunAsync(Yaml, "lenient");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var steps = await fixture.StepsAsync(run.Id);
        Assert.Equal(StepStatus.Failed, steps["optional"].Status);
        Assert.Equal(StepStatus.Succeeded, steps["next"].Status);
        Assert.Equal(new string[] { "next" }, fixture.Lines("trace"));
    }

    [Fact]
    public async Task Cancel_WhileAStepRuns_StopsIt_CompensatesAndRunsOnExit()
    {
        const string Yaml = """
            stack: wf
            workflows:
              long:
                steps:
                  a:
                    uses: exec
                    with: { command: [sh, -c, "echo a >> trace"] }
                    compensate: { uses: exec, with: { command: [sh, -c, "echo undo-a >> trace"] } }
                  sleep: { uses: exec, needs: [a], with: { command: [sleep, "30"] } }
                  never: { uses: exec, needs: [sleep], with: { command: [sh, -c, "echo never >> trace"] } }
                on_exit:
                  cleanup: { uses: exec, with: { command: [sh, -c, "echo exit >> trace"] } }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        await using var runtime = fixture.Runtime();
        var run = await runtime.CreateRunAsync(WorkflowFixture.Parse(Yaml), "long", Value.EmptyMap, "test", Token);
        var clock = Stopwatch.StartNew();
        var execution = runtime.ExecuteAsync(run.Id, fixture.Host, null, Token);
        await fixture.WaitForAsync(run.Id, s => s.TryGetValue("sleep", out var step) && step.Status == StepStatus.Running, "the sleep step to start");
        await fixture.Stores.Runs.AddSignalAsync(new RunSignal { RunId = run.Id, Kind = RunSignalKind.Cancel, By = "tester", At = DateTimeOffset.UtcNow }, Token);
        var finished = await execution.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the cancel took {clock.Elapsed}");
        Assert.Equal(RunStatus.Cancelled, finished.Status);
        Assert.Equal(RunStatus.Cancelled, (await fixture.Stores.Runs.GetRunAsync(run.Id, Token))!.Status);
        var steps = await fixture.StepsAsync(run.Id);
        Assert.Equal(StepStatus.Cancelled, steps["sleep"].Status);
        Assert.Equal(StepStatus.Skipped, steps["never"].Status);
        Assert.Equal(StepStatus.Compensated, steps["a"].Status);
        Assert.Equal(new string[] { "a", "undo-a", "exit" }, fixture.Lines("trace"));
    }

    [Fact]
    public async Task Cancel_AnOnExitStepThatTakesAWhile_RunsToItsEnd_AndOnlyTheMainStepsStop()
    {
        // The cancel is requested before the on_exit step starts: the step must not inherit it.
        const string Yaml = """
            stack: wf
            workflows:
              long:
                steps:
                  sleep: { uses: exec, with: { command: [sleep, "30"] } }
                on_exit:
                  cleanup: { uses: exec, with: { command: [sh, -c, "sleep 0.5; echo exit >> trace"] } }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        await using var runtime = fixture.Runtime();
        var run = await runtime.CreateRunAsync(WorkflowFixture.Parse(Yaml), "long", Value.EmptyMap, "test", Token);
        var execution = runtime.ExecuteAsync(run.Id, fixture.Host, null, Token);
        await fixture.WaitForAsync(run.Id, s => s.TryGetValue("sleep", out var step) && step.Status == StepStatus.Running, "the sleep step to start");
        await fixture.Stores.Runs.AddSignalAsync(new RunSignal { RunId = run.Id, Kind = RunSignalKind.Cancel, By = "tester", At = DateTimeOffset.UtcNow }, Token);
        var finished = await execution.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(RunStatus.Cancelled, finished.Status);
        var steps = await fixture.StepsAsync(run.Id);
        Assert.Equal(StepStatus.Cancelled, steps["sleep"].Status);
        Assert.Equal(StepStatus.Succeeded, steps["cleanup"].Status);
        Assert.Equal(new string[] { "exit" }, fixture.Lines("trace"));
    }

    private const string ApprovalYaml = """
        stack: wf
        workflows:
          gated:
            steps:
              a:
                uses: exec
                with: { command: [sh, -c, "echo a >> trace"] }
                compensate: { uses: exec, with: { command: [sh, -c, "echo undo-a >> trace"] } }
              gate: { uses: approval, needs: [a], with: { message: "ship it?", timeout: 1h } }
              ship: { uses: exec, needs: [gate], with: { command: [sh, -c, "echo ship >> trace"] } }
            outputs:
              approved_by: ${steps.gate.outputs.by}
        """;

    [Fact]
    public async Task Approval_Approved_LetsTheRunGoOn()
    {
        await using var fixture = await WorkflowFixture.CreateAsync();
        await using var runtime = fixture.Runtime();
        var run = await runtime.CreateRunAsync(WorkflowFixture.Parse(ApprovalYaml), "gated", Value.EmptyMap, "test", Token);
        var execution = runtime.ExecuteAsync(run.Id, fixture.Host, null, Token);
        await fixture.WaitForAsync(run.Id, s => s.TryGetValue("gate", out var gate) && gate.Status == StepStatus.WaitingApproval, "the approval");
        await fixture.Stores.Runs.AddSignalAsync(new RunSignal { RunId = run.Id, Kind = RunSignalKind.Approve, Step = "gate", By = "alice", Comment = "go", At = DateTimeOffset.UtcNow }, Token);
        var finished = await execution.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(RunStatus.Succeeded, finished.Status);
        Assert.Equal("alice", finished.Outputs!.AsMap()["approved_by"].AsString());
        Assert.Equal(new string[] { "a", "ship" }, fixture.Lines("trace"));
        Assert.Single(await fixture.EventsAsync(run.Id), e => e.Kind == "step.approved" && e.Step == "gate");
    }

    [Fact]
    public async Task Approval_Rejected_CompensatesAndFails()
    {
        await using var fixture = await WorkflowFixture.CreateAsync();
        await using var runtime = fixture.Runtime();
        var run = await runtime.CreateRunAsync(WorkflowFixture.Parse(ApprovalYaml), "gated", Value.EmptyMap, "test", Token);
        var execution = runtime.ExecuteAsync(run.Id, fixture.Host, null, Token);
        await fixture.WaitForAsync(run.Id, s => s.TryGetValue("gate", out var gate) && gate.Status == StepStatus.WaitingApproval, "the approval");
        await fixture.Stores.Runs.AddSignalAsync(new RunSignal { RunId = run.Id, Kind = RunSignalKind.Reject, Step = "gate", By = "bob", Comment = "not today", At = DateTimeOffset.UtcNow }, Token);
        var finished = await execution.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(RunStatus.Failed, finished.Status);
        Assert.Contains("gate", finished.Error, StringComparison.Ordinal);
        Assert.Contains("rejected by bob: not today", finished.Error, StringComparison.Ordinal);
        Assert.Equal(new string[] { "a", "undo-a" }, fixture.Lines("trace"));
        var steps = await fixture.StepsAsync(run.Id);
        Assert.Equal(StepStatus.Failed, steps["gate"].Status);
        Assert.Equal(StepStatus.Compensated, steps["a"].Status);
        Assert.Equal(StepStatus.Skipped, steps["ship"].Status);
    }

    [Fact]
    public async Task Approval_NotAnsweredInTime_Expires()
    {
        const string Yaml = """
            stack: wf
            workflows:
              gated:
                steps:
                  gate: { uses: approval, with: { message: "ship it?", timeout: 300ms } }
                  ship: { uses: exec, needs: [gate], with: { command: [sh, -c, "echo ship >> trace"] } }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        var run = await fixture.RunAsync(Yaml, "gated");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("expired", run.Error, StringComparison.Ordinal);
        var steps = await fixture.StepsAsync(run.Id);
        Assert.Equal(StepStatus.Failed, steps["gate"].Status);
        Assert.Equal(StepStatus.Skipped, steps["ship"].Status);
        Assert.Empty(fixture.Lines("trace"));
    }

    [Fact]
    public async Task HistoryBound_ARunThatReachesIt_FailsWithAClearError()
    {
        const string Yaml = """
            stack: wf
            workflows:
              big:
                steps:
                  fan: { uses: exec, for_each: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], with: { command: ["true"] } }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        var run = await fixture.RunAsync(Yaml, "big", configure: o => o with { MaxEventsPerRun = 15 });

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("limit of 15 events", run.Error, StringComparison.Ordinal);
        var events = await fixture.EventsAsync(run.Id);
        Assert.True(events.Count <= 16, $"{events.Count} events");
        Assert.Equal("run.failed", events[^1].Kind);
    }

    [Fact]
    public async Task Resume_InterruptedStepWithoutARetryPolicy_IsRetriedAnyway_TheWorkersDeathIsNotItsFailure()
    {
        const string Yaml = """
            stack: wf
            workflows:
              once:
                steps:
                  slow: { uses: exec, with: { command: [sh, -c, "echo slow >> trace; test -f marker && exit 0; touch marker; sleep 20"] } }
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        string runId;
        await using (var first = fixture.Runtime(owner: "worker-1"))
        {
            var run = await first.CreateRunAsync(WorkflowFixture.Parse(Yaml), "once", Value.EmptyMap, "test", Token);
            runId = run.Id;
            using var stop = new CancellationTokenSource();
            var execution = first.ExecuteAsync(run.Id, fixture.Host, null, stop.Token);
            await fixture.WaitForAsync(runId, s => s.TryGetValue("slow", out var w) && w.Status == StepStatus.Running && fixture.Lines("trace").Contains("slow"), "the slow step");
            await stop.CancelAsync();
            Assert.False((await execution.WaitAsync(TimeSpan.FromSeconds(20))).IsFinished);
            await fixture.Stores.Runs.ReleaseRunAsync(runId, "worker-1", Token);
        }

        await using var second = fixture.Runtime(owner: "worker-2");
        var finished = await second.ExecuteAsync(runId, fixture.Host, null, Token).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Succeeded, finished.Status);
        var slow = (await fixture.StepsAsync(runId))["slow"];
        Assert.Equal(2, slow.Attempt);
        Assert.Contains(await fixture.EventsAsync(runId), e => e.Kind == "step.retry_scheduled" && e.Step == "slow");
    }

    [Fact]
    public async Task Resume_AfterTheExecutorStopped_KeepsTimers_DoesNotRerunSteps_AndRetriesTheInterruptedAttempt()
    {
        // "slow" is in flight when the first worker stops: its first attempt leaves a marker and sleeps; a retry finds
        // the marker and succeeds at once.
        const string Yaml = """
            stack: wf
            workflows:
              resumable:
                steps:
                  a: { uses: exec, with: { command: [sh, -c, "echo a >> trace; printf A"] } }
                  pause: { uses: wait, needs: [a], with: { duration: 4s } }
                  slow:
                    uses: exec
                    needs: [a]
                    retry: { attempts: 3, backoff: 100ms }
                    with: { command: [sh, -c, "echo slow >> trace; test -f slow-marker && exit 0; touch slow-marker; sleep 20"] }
                  fan:
                    uses: exec
                    needs: [a]
                    for_each: [x, y]
                    retry: { attempts: 3, backoff: 100ms }
                    with: { command: [sh, -c, "echo \"fan-$1\" >> trace; test -f \"fan-$1\" && exit 0; touch \"fan-$1\"; sleep 20", sh, "${each.value}"] }
                  b: { uses: exec, needs: [pause, slow, fan], with: { command: [sh, -c, "echo b >> trace; printf B"] } }
                outputs:
                  both: ${steps.a.outputs.stdout}${steps.b.outputs.stdout}
            """;
        await using var fixture = await WorkflowFixture.CreateAsync();
        string runId;
        DateTimeOffset due;
        await using (var first = fixture.Runtime(owner: "worker-1"))
        {
            var run = await first.CreateRunAsync(WorkflowFixture.Parse(Yaml), "resumable", Value.EmptyMap, "test", Token);
            runId = run.Id;
            using var stop = new CancellationTokenSource();
            var execution = first.ExecuteAsync(run.Id, fixture.Host, null, stop.Token);
            await fixture.WaitForAsync(runId, s => s.TryGetValue("pause", out var p) && p.Status == StepStatus.Waiting
                && s.TryGetValue("slow", out var w) && w.Status == StepStatus.Running && fixture.Lines("trace").Contains("slow")
                && fixture.Lines("trace").Contains("fan-x") && fixture.Lines("trace").Contains("fan-y"), "the wait, the slow step and the for_each items");
            await Task.Delay(1500);
            await stop.CancelAsync();
            var stopped = await execution.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.False(stopped.IsFinished);
            due = (await fixture.StepsAsync(runId))["pause"].DueAt!.Value;
            await fixture.Stores.Runs.ReleaseRunAsync(runId, "worker-1", Token);
        }

        var steps = await fixture.StepsAsync(runId);
        Assert.Equal(StepStatus.Succeeded, steps["a"].Status);
        Assert.Equal(StepStatus.Running, steps["slow"].Status);
        Assert.Equal(StepStatus.Waiting, steps["pause"].Status);
        Assert.Equal(StepStatus.Running, steps["fan"].Status);

        await using (var second = fixture.Runtime(owner: "worker-2"))
        {
            var resumedAt = DateTimeOffset.UtcNow;
            var finished = await second.ExecuteAsync(runId, fixture.Host, null, Token).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(RunStatus.Succeeded, finished.Status);
            Assert.Equal("AB", finished.Outputs!.AsMap()["both"].AsString());

            // The wait ends at the time the first worker set, not a whole duration after the restart.
            var waited = (await fixture.EventsAsync(runId)).Single(e => e.Kind == "step.succeeded" && e.Step == "pause");
            Assert.True(waited.At >= due, $"the wait ended at {waited.At:O}, before its due time {due:O}");
            Assert.True(waited.At < due + TimeSpan.FromSeconds(1), $"the wait ended at {waited.At:O}, due {due:O}, resumed {resumedAt:O}");
        }

        var events = await fixture.EventsAsync(runId);
        foreach (var key in new[] { "a", "pause", "slow", "fan", "fan[\"0\"]", "fan[\"1\"]", "b" })
        {
            Assert.Single(events, e => e.Kind == "step.succeeded" && e.Step == key);
        }

        Assert.Equal(1, fixture.Lines("trace").Count(l => l == "a"));
        var interrupted = events.Single(e => e.Step == "slow" && e.Kind == "step.retry_scheduled");
        Assert.StartsWith("interrupted", interrupted.Data.AsMap()["error"].AsString(), StringComparison.Ordinal);
        var slow = (await fixture.StepsAsync(runId))["slow"];
        Assert.Equal(StepStatus.Succeeded, slow.Status);
        Assert.Equal(2, slow.Attempt);
        Assert.Equal(2, fixture.Lines("trace").Count(l => l == "slow"));

        // The for_each step itself has no attempt to interrupt; its items do, and are retried.
        Assert.DoesNotContain(events, e => e.Step == "fan" && e.Kind is "step.retry_scheduled" or "step.failed" or "step.started");
        Assert.Equal(2, events.Count(e => e.Step is "fan[\"0\"]" or "fan[\"1\"]" && e.Kind == "step.retry_scheduled"));
        Assert.Equal(2, fixture.Lines("trace").Count(l => l == "fan-x"));
    }
}
