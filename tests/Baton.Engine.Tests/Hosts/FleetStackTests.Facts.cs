using System.Globalization;
using System.Text.Json;

namespace Baton.Engine.Tests.Hosts;

/// <summary>
/// (The same class as the stack tests, so that both share the fixture's hosts.) Host facts on two real SSH hosts, through the baton command: <c>baton hosts</c> shows each host reachable with its
/// OS, and one that does not answer as unreachable (exit 1); <c>host.facts</c> in a resource's properties is what the
/// host is (checked against the host's own commands); after an apply the facts are in state, so a plan without
/// refresh still knows them.
/// </summary>
public sealed partial class FleetStackTests
{
    private string FactsStack() =>
        $$"""
            providers:
              host: { connect_timeout: 2s }
            {{WebGroup()}}
            resources:
              facts_file:
                type: host.file
                hosts: web
                properties:
                  path: /tmp/baton-facts.txt
                  content: "${host.facts.os.family} ${host.facts.os.version} ${host.facts.arch} ${host.facts.cpus} ${host.facts.hostname} ${host.facts.init} ${host.facts.package_manager}\n"
            """;

    [Fact]
    public async Task Facts_AreGatheredShownUsedInPropertiesAndCachedInState()
    {
        var directory = Directory.CreateTempSubdirectory("baton-facts-");
        try
        {
            var fleet = fixture.Fleet;
            var (web1, web2) = (fleet.Hosts[0], fleet.Hosts[1]);
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "baton.yaml"), FactsStack());

            var (hostsExit, hostsOut, hostsError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "hosts", ".");
            Assert.True(hostsExit == 0, hostsError + hostsOut);
            Assert.Contains("REACHABLE", hostsOut, StringComparison.Ordinal);
            Assert.Contains("2 hosts in 1 group, 2 reachable.", hostsOut, StringComparison.Ordinal);
            Assert.Contains("debian 12", hostsOut, StringComparison.Ordinal);

            var (jsonExit, jsonOut, jsonError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "hosts", ".", "--json");
            Assert.True(jsonExit == 0, jsonError + jsonOut);
            using (var document = JsonDocument.Parse(jsonOut))
            {
                var first = document.RootElement[0];
                Assert.True(first.GetProperty("reachable").GetBoolean());
                Assert.Equal("debian", first.GetProperty("facts").GetProperty("os").GetProperty("family").GetString());
                Assert.Equal("bookworm", first.GetProperty("facts").GetProperty("os").GetProperty("codename").GetString());
                Assert.True(first.GetProperty("facts").GetProperty("memory_mb").GetInt64() > 0);
            }

            var (applyExit, applyOut, applyError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "apply", ".", "--auto-approve");
            Assert.True(applyExit == 0, applyError + applyOut);
            foreach (var host in fleet.Hosts)
            {
                // What the host says of itself, by its own commands.
                var own = await fleet.ExecAsync(host, "sh", "-c", ". /etc/os-release; echo \"debian $VERSION_ID $(uname -m) $(getconf _NPROCESSORS_ONLN) $(hostname) sysv apt\"");
                Assert.Equal(own.Stdout, await fleet.ReadFileAsync(host, "/tmp/baton-facts.txt"));
            }

            // The facts are in state: a plan that reads nothing from the hosts still knows them, so nothing changes.
            var (cachedExit, cachedOut, cachedError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "plan", ".", "--refresh=false", "--detailed-exitcode");
            Assert.True(cachedExit == 0, cachedError + cachedOut);
            Assert.Contains("No changes", cachedOut, StringComparison.Ordinal);

            // A host that does not answer is shown as unreachable, and baton hosts exits 1.
            await fleet.PauseAsync(web2);
            try
            {
                var (downExit, downOut, _) = await BatonProcess.RunAsync(directory.FullName, Timeout, "hosts", ".");
                Assert.Equal(1, downExit);
                Assert.Contains("2 hosts in 1 group, 1 reachable.", downOut, StringComparison.Ordinal);
                var name2 = $"127.0.0.1:{web2.Port.ToString(CultureInfo.InvariantCulture)}";
                Assert.Contains($"\n{name2}: ", downOut, StringComparison.Ordinal);

                // A plan warns that the host's facts are the ones in state, plans from them, and so changes nothing.
                var (planExit, planOut, planError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "plan", ".", "--detailed-exitcode");
                Assert.True(planExit == 0, planError + planOut);
                Assert.Contains($"warning[BT5032]: host {name2}: cannot gather its facts", planError, StringComparison.Ordinal);
                Assert.Contains("host.facts are those gathered at", planError, StringComparison.Ordinal);
                Assert.Contains("No changes", planOut, StringComparison.Ordinal);
            }
            finally
            {
                await fleet.UnpauseAsync(web2);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
