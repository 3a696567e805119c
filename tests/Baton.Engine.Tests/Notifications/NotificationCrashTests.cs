using Baton.Providers.Sim;

namespace Baton.Engine.Tests.Notifications;

/// <summary>
/// The real baton process killed with SIGKILL after a change that notifies and before the delayed verb ran: the next
/// apply shows the notification as pending and runs it, once.
/// </summary>
public sealed class NotificationCrashTests
{
    private static string Stack(string conf) => $$"""
        resources:
          service:
            type: sim.resource
            properties: { input: service }
          conf:
            type: sim.resource
            properties: { input: "{{conf}}" }
            notifies: [{ signal: service }]
          slow:
            type: sim.resource
            properties: { input: "{{conf}}", latency: 5s }
            depends_on: [conf]
        """;

    [Fact]
    public async Task Apply_KilledAfterTheChangeBeforeTheDelayedVerb_RunsItOnTheNextApply()
    {
        var directory = Directory.CreateTempSubdirectory("baton-notify-crash-");
        try
        {
            var stackFile = Path.Combine(directory.FullName, "baton.yaml");
            var timeout = TimeSpan.FromMinutes(2);
            await File.WriteAllTextAsync(stackFile, Stack("a").Replace("latency: 5s", "latency: 0ms", StringComparison.Ordinal));
            var (first, _, firstError) = await BatonProcess.RunAsync(directory.FullName, timeout, "apply", ".", "--auto-approve");
            Assert.True(first == 0, firstError);
            await File.WriteAllTextAsync(stackFile, Stack("b"));

            using (var run = BatonProcess.Start(directory.FullName, "apply", ".", "--auto-approve"))
            {
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (!run.HasExited && Updates(directory.FullName, "conf") == 0 && waited.Elapsed < timeout)
                {
                    await Task.Delay(20);
                }

                Assert.False(run.HasExited, "the apply ended before it could be killed");
                Assert.Equal(1, Updates(directory.FullName, "conf"));
                run.Kill();
                await run.WaitAsync(timeout);
            }

            Assert.Equal(0, Signals(directory.FullName));
            await File.WriteAllTextAsync(stackFile, Stack("b").Replace("latency: 5s", "latency: 0ms", StringComparison.Ordinal));
            var (plan, planOut, planError) = await BatonProcess.RunAsync(directory.FullName, timeout, "plan", ".", "--lock-timeout", "30s");
            Assert.True(plan == 0, planError);
            Assert.Contains("signal service, queued by conf in an apply that stopped before it ran", planOut, StringComparison.Ordinal);

            var (again, againOut, againError) = await BatonProcess.RunAsync(directory.FullName, timeout, "apply", ".", "--auto-approve", "--lock-timeout", "30s");

            Assert.True(again == 0, againError + againOut);
            Assert.Contains("1 notified", againOut, StringComparison.Ordinal);
            Assert.Equal(1, Signals(directory.FullName));
            var (last, lastOut, _) = await BatonProcess.RunAsync(directory.FullName, timeout, "apply", ".", "--auto-approve");
            Assert.Equal(0, last);
            Assert.Contains("No changes", lastOut, StringComparison.Ordinal);
            Assert.Equal(1, Signals(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static long Updates(string directory, string address) =>
        Count(directory, o => o.Kind == SimOperationKind.Update && o.Address == address);

    private static long Signals(string directory) => Count(directory, o => o.Kind == SimOperationKind.Signal);

    private static long Count(string directory, Func<SimOperation, bool> which)
    {
        var path = Path.Combine(directory, ".baton", "sim-world.db");
        if (!File.Exists(path))
        {
            return 0;
        }

        using var world = SimWorld.Open(path);
        return world.Operations().Count(which);
    }
}
