using System.Globalization;

namespace Baton.Engine.Tests.Hosts;

/// <summary>
/// Rollouts over four real SSH hosts, through the baton command: <c>serial</c> converges one batch (its changes and
/// then its delayed notifications) before the next starts; without it a host's delayed notifications run as soon as
/// that host has converged, not after the slowest; <c>max_fail_percentage</c> stops the group when spent, a whole
/// failed batch stops it by default, and a re-apply converges what remains.
/// </summary>
public sealed class RolloutTests(RolloutFixture fixture) : IClassFixture<RolloutFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Every host runs <c>step</c> (which logs its start and end, sleeps the host's <c>delay</c> and fails where the
    /// file <c>FAIL</c> exists) and, when it changes, notifies <c>done</c> (which logs that it ran).
    /// </summary>
    private string Stack(string log, string round, string groupSettings, IReadOnlyDictionary<int, double>? delays = null)
    {
        var fleet = fixture.Fleet;
        var addresses = string.Join(", ", fleet.Hosts.Select((h, i) =>
            $"{{ address: \"127.0.0.1:{h.Port.ToString(CultureInfo.InvariantCulture)}\", name: h{i.ToString(CultureInfo.InvariantCulture)}, vars: {{ delay: {(delays?.GetValueOrDefault(i) ?? 0.3).ToString(CultureInfo.InvariantCulture)} }} }}"));
        return $$"""
            variables:
              round: { default: "{{round}}" }
            hosts:
              web:
                addresses: [{{addresses}}]
                private_key_file: {{fleet.PrivateKeyPath}}
                known_hosts: {{fleet.KnownHostsPath}}
            {{groupSettings}}
            resources:
              step:
                type: host.exec
                hosts: web
                properties:
                  command: [sh, -c, "echo start $(date +%s%N) >> {{log}}; sleep ${host.vars.delay}; echo end $(date +%s%N) >> {{log}}; echo round ${var.round} > /dev/null; test ! -e {{log}}.fail"]
                notifies: [{ exec: done }]
              done:
                type: host.exec
                hosts: web
                properties:
                  command: [sh, -c, "echo notified $(date +%s%N) >> {{log}}"]
            """;
    }

    /// <summary>The times (ns) a host logged for <paramref name="what"/>, in order.</summary>
    private async Task<long[]> TimesAsync(int host, string log, string what) =>
        [.. ((await fixture.Fleet.ReadFileAsync(fixture.Fleet.Hosts[host], log)) ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(parts => parts[0] == what)
            .Select(parts => long.Parse(parts[1], CultureInfo.InvariantCulture))];

    private static async Task<(int Exit, string Out)> ApplyAsync(DirectoryInfo directory, string stack)
    {
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "baton.yaml"), stack);
        var (exit, output, error) = await BatonProcess.RunAsync(directory.FullName, Timeout, "apply", ".", "--auto-approve");
        return (exit, output + error);
    }

    /// <summary>Runs <paramref name="test"/> with a stack directory and a log path of its own, removing both (the log on every host) after.</summary>
    private async Task InStackAsync(Func<DirectoryInfo, string, Task> test)
    {
        var directory = Directory.CreateTempSubdirectory("baton-rollout-");
        var log = "/tmp/rollout-" + Guid.NewGuid().ToString("N")[..8] + ".log";
        try
        {
            await test(directory, log);
        }
        finally
        {
            foreach (var host in fixture.Fleet.Hosts)
            {
                await fixture.Fleet.ExecAsync(host, "rm", "-f", log, log + ".fail");
            }

            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public Task Serial_ConvergesEachBatch_ChangesThenNotifications_BeforeTheNextStarts() =>
        InStackAsync(async (directory, log) =>
        {
            const string Serial = "    serial: 1";
            var (first, firstOut) = await ApplyAsync(directory, Stack(log, "1", Serial));
            Assert.True(first == 0, firstOut);
            for (var i = 0; i < 3; i++)
            {
                // One host at a time, in the order written.
                Assert.True((await TimesAsync(i, log, "end"))[0] < (await TimesAsync(i + 1, log, "start"))[0], $"h{i} had not ended when h{i + 1} started\n{firstOut}");
            }

            // A change of step notifies done on each host; each host's done runs before the next host starts.
            var (second, secondOut) = await ApplyAsync(directory, Stack(log, "2", Serial));
            Assert.True(second == 0, secondOut);
            Assert.Contains("4 notified", secondOut, StringComparison.Ordinal);
            for (var i = 0; i < 3; i++)
            {
                var notified = await TimesAsync(i, log, "notified");
                Assert.Equal(2, notified.Length);
                Assert.True(notified[1] < (await TimesAsync(i + 1, log, "start"))[1], $"h{i} was notified only after h{i + 1} started\n{secondOut}");
            }
        });

    [Fact]
    public Task WithoutSerial_AHostIsNotified_WhenItConverged_NotAfterTheSlowestHost() =>
        InStackAsync(async (directory, log) =>
        {
            var delays = new Dictionary<int, double> { [0] = 0.1, [1] = 4, [2] = 4, [3] = 4 };
            var (first, firstOut) = await ApplyAsync(directory, Stack(log, "1", "", delays));
            Assert.True(first == 0, firstOut);

            // All at once: every host started before any ended.
            var starts = new List<long>();
            var ends = new List<long>();
            for (var i = 0; i < 4; i++)
            {
                starts.Add((await TimesAsync(i, log, "start"))[0]);
                ends.Add((await TimesAsync(i, log, "end"))[0]);
            }

            Assert.True(starts.Skip(1).Max() < ends.Skip(1).Min(), firstOut);

            var (second, secondOut) = await ApplyAsync(directory, Stack(log, "2", "", delays));
            Assert.True(second == 0, secondOut);
            var fastNotified = (await TimesAsync(0, log, "notified"))[1];
            for (var i = 1; i < 4; i++)
            {
                Assert.True(fastNotified < (await TimesAsync(i, log, "end"))[1], $"h0 was notified only after h{i} ended\n{secondOut}");
                Assert.True((await TimesAsync(i, log, "end"))[1] < (await TimesAsync(i, log, "notified"))[1], $"h{i} was notified before its change ended\n{secondOut}");
            }
        });

    [Fact]
    public Task MaxFailPercentage_StopsTheGroupWhenSpent_AndReapplyConvergesWhatRemains() =>
        InStackAsync(async (directory, log) =>
        {
            var fleet = fixture.Fleet;
            await fleet.ExecAsync(fleet.Hosts[1], "touch", log + ".fail");
            await fleet.ExecAsync(fleet.Hosts[2], "touch", log + ".fail");
            const string Settings = "    serial: 1\n    max_fail_percentage: 25";

            // h1 fails (1 of 4: within 25%), h2 fails (2 of 4: over it), so h3 is not started.
            var (exit, output) = await ApplyAsync(directory, Stack(log, "1", Settings));
            Assert.NotEqual(0, exit);
            Assert.Contains("step[\"h1\"]", output, StringComparison.Ordinal);
            Assert.Contains("the rollout over host group \"web\" (serial 1, max_fail_percentage 25) stopped: 2 of its 4 hosts failed", output, StringComparison.Ordinal);
            Assert.Single(await TimesAsync(0, log, "start"));
            Assert.Single(await TimesAsync(1, log, "start"));
            Assert.Single(await TimesAsync(2, log, "start"));
            Assert.Empty(await TimesAsync(3, log, "start"));

            // Fixed, a re-apply converges the three that remain and leaves h0 alone.
            await fleet.ExecAsync(fleet.Hosts[1], "rm", log + ".fail");
            await fleet.ExecAsync(fleet.Hosts[2], "rm", log + ".fail");
            var (again, againOut) = await ApplyAsync(directory, Stack(log, "1", Settings));
            Assert.True(again == 0, againOut);
            Assert.Single(await TimesAsync(0, log, "start"));
            Assert.Equal(2, (await TimesAsync(1, log, "start")).Length);
            Assert.Equal(2, (await TimesAsync(2, log, "start")).Length);
            Assert.Single(await TimesAsync(3, log, "start"));
        });

    [Fact]
    public Task Serial_WithoutABudget_StopsWhenAWholeBatchFails() =>
        InStackAsync(async (directory, log) =>
        {
            var fleet = fixture.Fleet;
            await fleet.ExecAsync(fleet.Hosts[0], "touch", log + ".fail");
            await fleet.ExecAsync(fleet.Hosts[1], "touch", log + ".fail");
            var (exit, output) = await ApplyAsync(directory, Stack(log, "1", "    serial: \"50%\""));
            Assert.NotEqual(0, exit);
            Assert.Contains("the rollout over host group \"web\" (serial 50%) stopped: every host of its batch 1 failed", output, StringComparison.Ordinal);
            Assert.Empty(await TimesAsync(2, log, "start"));
            Assert.Empty(await TimesAsync(3, log, "start"));
        });

    [Fact]
    public Task Serial_AChangeAnEarlierBatchNeeds_IsNotHeldBack() =>
        InStackAsync(async (directory, _) =>
        {
            var fleet = fixture.Fleet;
            var addresses = string.Join(", ", fleet.Hosts.Select((h, i) => $"{{ address: \"127.0.0.1:{h.Port.ToString(CultureInfo.InvariantCulture)}\", name: h{i.ToString(CultureInfo.InvariantCulture)} }}"));
            // first["h0"] (batch 1) needs last["h3"] (batch 4) through middle, which is on no group's hosts: holding
            // last["h3"] back would wait for itself.
            var stack = $$"""
                hosts:
                  web:
                    addresses: [{{addresses}}]
                    private_key_file: {{fleet.PrivateKeyPath}}
                    known_hosts: {{fleet.KnownHostsPath}}
                    serial: 1
                resources:
                  first:
                    type: host.exec
                    hosts: web
                    properties: { command: [echo, "${middle.id}"] }
                  middle:
                    type: host.exec
                    properties: { host: h3, command: [echo, '${last["h3"].id}'] }
                  last:
                    type: host.exec
                    hosts: web
                    properties: { command: ["true"] }
                """;
            var (exit, output) = await ApplyAsync(directory, stack);
            Assert.True(exit == 0, output);
            Assert.Contains("9 created", output, StringComparison.Ordinal);
        });
}
