using Baton.Engine.Tests.Support;
using Baton.Providers.Sim;
using Baton.State;
using Baton.State.Sqlite;
using Xunit.Abstractions;

namespace Baton.Engine.Tests.Recovery;

/// <summary>
/// Kills the real baton process with SIGKILL at random moments of a 300-resource apply (sim latency makes the kills
/// land mid-flight), runs apply again each time, and finally checks against the sim's ground truth: every object that
/// exists is in state, none was created twice, and the final state equals the desired stack.
/// The suite runs 12 kill points; set BATON_CRASH_KILL_POINTS (bench/run-crash.sh does, with 40) for a longer run.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Resources = 300;

    [Fact]
    public async Task Apply_KilledAtRandomMoments_RecoversWithNoOrphansAndNoDuplicates()
    {
        var killPoints = int.TryParse(Environment.GetEnvironmentVariable("BATON_CRASH_KILL_POINTS"), out var n) ? n : 12;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BATON_CRASH_SEED"), out var s) ? s : 20261123;
        var random = new Random(seed);
        var directory = Directory.CreateTempSubdirectory("baton-crash-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "baton.yaml"), StackGenerator.Generate(Resources, seed, "{ min: 10ms, max: 60ms }"));
            var timeout = TimeSpan.FromMinutes(3);
            var killed = 0;
            var completedEarly = 0;
            var midApply = 0;
            var recoveries = 0;
            while (killed < killPoints)
            {
                // A quarter of the kills land at a random moment (start-up, recovery, refresh, planning); the rest wait
                // until this run has made something in the simulated cloud, then land a random moment later, so they
                // hit the apply mid-flight however fast or loaded the machine is.
                var liveBefore = LiveCount(directory.FullName);
                using var run = BatonProcess.Start(directory.FullName, "apply", ".", "--auto-approve", "--lock-timeout", "30s");
                if (random.Next(4) == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 2000)));
                }
                else
                {
                    var waited = System.Diagnostics.Stopwatch.StartNew();
                    while (!run.HasExited && LiveCount(directory.FullName) <= liveBefore && waited.Elapsed < TimeSpan.FromSeconds(60))
                    {
                        await Task.Delay(20);
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 500)));
                }

                if (run.HasExited)
                {
                    var (code, _, error) = await run.WaitAsync(timeout);
                    Assert.True(code == 0, $"an apply between kills failed (exit {code}): {error}");
                    completedEarly++;

                    // This round's kills are recovered: check it, then start over from nothing so later kills land
                    // mid-apply again.
                    await VerifyAsync(directory.FullName, timeout);
                    Directory.Delete(Path.Combine(directory.FullName, ".baton"), recursive: true);
                    continue;
                }

                run.Kill();
                killed++;
                var live = AssertNoDuplicates(directory.FullName);
                if (live is > 0 and < Resources)
                {
                    midApply++;
                }

                var (_, _, killedError) = await run.WaitAsync(timeout);
                recoveries += killedError.Split('\n').Count(line => line.StartsWith("recovered:", StringComparison.Ordinal));
            }

            var (exit, stdout, stderr) = await BatonProcess.RunAsync(directory.FullName, timeout, "apply", ".", "--auto-approve");
            Assert.True(exit == 0, $"the final apply failed (exit {exit}): {stderr}\n{stdout}");
            recoveries += stderr.Split('\n').Count(line => line.StartsWith("recovered:", StringComparison.Ordinal));
            output.WriteLine($"{killed} kill points ({midApply} with the apply part-way), {recoveries} interrupted operations recovered, {completedEarly} applies finished before their kill, seed {seed}");

            // The kills must land while resources are being made, or the test proves nothing.
            Assert.True(midApply >= killPoints / 3, $"only {midApply} of {killPoints} kills landed mid-apply");
            await VerifyAsync(directory.FullName, timeout);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Ground truth against state: all objects, each once, each in state, and nothing left to do.</summary>
    private static async Task VerifyAsync(string directory, TimeSpan timeout)
    {
        {
            using var world = SimWorld.Open(Path.Combine(directory, ".baton", "sim-world.db"));
            var live = world.LiveObjects();
            Assert.Equal(Resources, live.Length);
            Assert.Empty(world.DuplicateAddresses());
            Assert.All(world.LiveCountsByAddress(), entry => Assert.Equal(1, entry.Value));
            Assert.All(world.CreatesByAddress(), entry => Assert.True(entry.Value == 1, $"{entry.Key} was created {entry.Value} times"));

            var state = await LoadStateAsync(directory);
            Assert.Equal(Resources, state.Resources.Count);
            var idsInState = state.Resources.Values.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            Assert.All(live, o => Assert.Contains(o.Id, idsInState));

            // The state equals the desired stack: a fresh plan has nothing to do.
            var (planExit, planOut, planError) = await BatonProcess.RunAsync(directory, timeout, "plan", ".", "--detailed-exitcode");
            Assert.True(planExit == 0, $"plan after recovery wants changes (exit {planExit}):\n{planOut}\n{planError}");
        }
    }

    private static long LiveCount(string directory)
    {
        var path = Path.Combine(directory, ".baton", "sim-world.db");
        if (!File.Exists(path))
        {
            return 0;
        }

        try
        {
            using var world = SimWorld.Open(path);
            return world.CountLive();
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // The world is being created by the running process; nothing is live yet.
            return 0;
        }
    }

    /// <summary>After any kill, no address may have two live objects in the simulated cloud. Returns the live count.</summary>
    private static long AssertNoDuplicates(string directory)
    {
        var path = Path.Combine(directory, ".baton", "sim-world.db");
        if (!File.Exists(path))
        {
            return 0;
        }

        using var world = SimWorld.Open(path);
        Assert.Empty(world.DuplicateAddresses());
        return world.CountLive();
    }

    private static async Task<StackState> LoadStateAsync(string directory)
    {
        using var protector = new AesGcmSecretProtector(Baton.Engine.Secrets.SecretKeySource.ForStack(directory).GetKey());
        await using var stores = await SqliteStores.OpenAsync(Path.Combine(directory, ".baton", "state.db"), protector, TimeProvider.System, CancellationToken.None);
        return await stores.State.LoadAsync("generated", CancellationToken.None);
    }
}
