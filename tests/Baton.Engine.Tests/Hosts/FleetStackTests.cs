using System.Globalization;

namespace Baton.Engine.Tests.Hosts;

/// <summary>
/// A stack with hosts: on two real SSH hosts, driven through the baton command: a package, its configuration file
/// and its service on every host, the file notifying the service to reload. Plan changes nothing on the hosts; a
/// change reloads each host's service once, after the changes; a hand edit on one host is drift that apply puts back,
/// reloading that host alone; a no-op apply touches nothing.
/// </summary>
public sealed partial class FleetStackTests(FleetFixture fixture) : IClassFixture<FleetFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The group web: the fixture's hosts, reached as root with its key and known_hosts.</summary>
    private string WebGroup()
    {
        var fleet = fixture.Fleet;
        var addresses = string.Join(", ", fleet.Hosts.Select(h => $"\"127.0.0.1:{h.Port.ToString(CultureInfo.InvariantCulture)}\""));
        return $"""
            hosts:
              web:
                addresses: [{addresses}]
                user: root
                private_key_file: {fleet.PrivateKeyPath}
                known_hosts: {fleet.KnownHostsPath}
            """;
    }

    private string Stack(string message) =>
        $$"""
            variables:
              message: { default: "{{message}}" }
            {{WebGroup()}}
            resources:
              daemon_package:
                type: host.package
                hosts: web
                properties: { name: baton-daemon, state: present }
              daemon_conf:
                type: host.file
                hosts: web
                depends_on: [daemon_package]
                properties:
                  path: /etc/baton-daemon.conf
                  content: "port=8081\nmessage=${host.name} says ${var.message}\n"
                  mode: "0644"
                notifies: [{ reload: daemon }]
              daemon:
                type: host.service
                hosts: web
                depends_on: [daemon_conf]
                properties: { name: baton-daemon, state: running }
            """;

    private async Task<int> ReloadsAsync(SshHost host) =>
        ((await fixture.Fleet.ReadFileAsync(host, "/var/log/baton-daemon.log")) ?? string.Empty)
            .Split('\n').Count(line => line.StartsWith("reloaded", StringComparison.Ordinal));

    private async Task<string> HashesAsync()
    {
        var hashes = new List<string>();
        foreach (var host in fixture.Fleet.Hosts)
        {
            var result = await fixture.Fleet.ExecAsync(host, "sh", "-c", "sha256sum /etc/baton-daemon.conf 2>/dev/null; dpkg-query -W baton-daemon 2>/dev/null; ls /var/log");
            hashes.Add(result.Stdout);
        }

        return string.Join("\n", hashes);
    }

    [Fact]
    public async Task Apply_OnTwoHosts_ConvergesNotifiesOnceAndCorrectsDrift()
    {
        var directory = Directory.CreateTempSubdirectory("baton-fleet-");
        try
        {
            var fleet = fixture.Fleet;
            var (web1, web2) = (fleet.Hosts[0], fleet.Hosts[1]);
            var name1 = $"127.0.0.1:{web1.Port.ToString(CultureInfo.InvariantCulture)}";
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "baton.yaml"), Stack("hello"));

            // Plan changes nothing on any host.
            var before = await HashesAsync();
            var (planExit, planOut, planError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "plan", ".");
            Assert.True(planExit == 0, planError + planOut);
            Assert.Contains($"+ daemon_conf[\"{name1}\"] (host.file) will be created", planOut, StringComparison.Ordinal);
            Assert.Equal(before, await HashesAsync());

            var (first, firstOut, firstError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "apply", ".", "--auto-approve");
            Assert.True(first == 0, firstError + firstOut);
            Assert.Contains("6 created", firstOut, StringComparison.Ordinal);
            Assert.Equal($"port=8081\nmessage={name1} says hello\n", await fleet.ReadFileAsync(web1, "/etc/baton-daemon.conf"));
            Assert.Equal(0, (await fleet.ExecAsync(web2, "service", "baton-daemon", "status")).ExitCode);
            Assert.Equal((0, 0), (await ReloadsAsync(web1), await ReloadsAsync(web2)));

            // A change of the file reloads each host's service once, after the changes.
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "baton.yaml"), Stack("goodbye"));
            var (second, secondOut, secondError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "apply", ".", "--auto-approve");
            Assert.True(second == 0, secondError + secondOut);
            Assert.Contains("2 updated", secondOut, StringComparison.Ordinal);
            Assert.Contains("2 notified", secondOut, StringComparison.Ordinal);
            Assert.Equal((1, 1), (await ReloadsAsync(web1), await ReloadsAsync(web2)));

            // A hand edit on one host is drift: plan shows that host's file, apply puts it back and reloads it alone.
            await fleet.WriteFileAsync(web2, "/etc/baton-daemon.conf", "port=8081\nmessage=edited by hand\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var (driftExit, driftOut, driftError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "plan", ".", "--detailed-exitcode");
            Assert.True(driftExit == 2, driftError + driftOut);
            var name2 = $"127.0.0.1:{web2.Port.ToString(CultureInfo.InvariantCulture)}";
            Assert.Contains($"daemon_conf[\"{name2}\"]", driftOut, StringComparison.Ordinal);
            Assert.DoesNotContain($"daemon_conf[\"{name1}\"]", driftOut, StringComparison.Ordinal);
            var (third, thirdOut, thirdError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "apply", ".", "--auto-approve");
            Assert.True(third == 0, thirdError + thirdOut);
            Assert.Equal($"port=8081\nmessage={name2} says goodbye\n", await fleet.ReadFileAsync(web2, "/etc/baton-daemon.conf"));
            Assert.Equal((1, 2), (await ReloadsAsync(web1), await ReloadsAsync(web2)));

            // Converged: nothing to do, nothing touched.
            var settled = await HashesAsync();
            var (last, lastOut, lastError) = await BatonProcess.RunAsync(directory.FullName, Timeout, "apply", ".", "--auto-approve");
            Assert.True(last == 0, lastError + lastOut);
            Assert.Contains("No changes", lastOut, StringComparison.Ordinal);
            Assert.Equal(settled, await HashesAsync());
            Assert.Equal((1, 2), (await ReloadsAsync(web1), await ReloadsAsync(web2)));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
