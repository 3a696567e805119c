using System.Diagnostics;
using System.Globalization;
using Baton.Engine.Tests.Support;
using Baton.Engine.Workflows;
using Baton.Values;

namespace Baton.Engine.Tests.Workflows;

/// <summary>
/// The exec step's processes: they die with their worker, but never with the thread that happened to start them, and
/// a cancelled step takes its whole process group along.
/// </summary>
public sealed class ExecStepTests
{
    [Fact]
    public async Task RunAsync_StartedFromAThreadThatExits_WhileThreadsComeAndGo_RunsItsFullTenSeconds()
    {
        // A process that is to die with its parent gets its signal when the *thread* that forked it exits. A step starts
        // on whatever thread runs the executor at that moment, and thread-pool threads retire: here the thread that
        // starts the step ends at once, and threads keep coming and going while the step runs.
        var directory = Directory.CreateTempSubdirectory("baton-exec-thread-");
        try
        {
            var inputs = Command("sh", "-c", "echo $$ > pid; sleep 10; echo done");
            Task<StepOutcome>? step = null;
            var starter = new Thread(() => step = ExecStep.RunAsync(inputs, directory.FullName, 4096, CancellationToken.None));
            var clock = Stopwatch.StartNew();
            starter.Start();
            starter.Join();

            using var churn = new CancellationTokenSource();
            var churning = Task.Run(async () =>
            {
                while (!churn.IsCancellationRequested)
                {
                    var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() => Thread.Sleep(5))).ToList();
                    threads.ForEach(t => t.Start());
                    threads.ForEach(t => t.Join());
                    await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => Thread.Sleep(1))));
                    await Task.Delay(50);
                }
            });

            var outcome = await step!.WaitAsync(TimeSpan.FromSeconds(60));
            await churn.CancelAsync();
            await churning;

            Assert.True(outcome.Succeeded, outcome.Error);
            Assert.Equal("done\n", outcome.Outputs!.AsMap()["stdout"].AsString());
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(10), $"the step ended after {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_Cancelled_KillsTheStepsWholeProcessGroup()
    {
        var directory = Directory.CreateTempSubdirectory("baton-exec-cancel-");
        try
        {
            // The step's shell starts a child that leaves the shell's tree (its parent exits at once) but stays in
            // the step's process group.
            var inputs = Command("sh", "-c", "(sleep 60 & echo $! > child) ; sleep 60");
            using var cancel = new CancellationTokenSource();
            var step = ExecStep.RunAsync(inputs, directory.FullName, 4096, cancel.Token);
            var child = Path.Combine(directory.FullName, "child");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(child) || File.ReadAllText(child).Trim().Length == 0)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the step's child did not start");
                await Task.Delay(20);
            }

            var pid = int.Parse(File.ReadAllText(child).Trim(), CultureInfo.InvariantCulture);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => step.WaitAsync(TimeSpan.FromSeconds(30)));

            clock.Restart();
            while (ProcFs.IsRunning(pid) && clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(20);
            }

            Assert.False(ProcFs.IsRunning(pid), $"the step's child {pid} outlived the cancelled step");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Value Command(params string[] argv) =>
        Value.Map([new("command", Value.List([.. argv.Select(Value.String)]))]);
}
