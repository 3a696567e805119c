using System.Diagnostics;
using Xunit.Abstractions;

namespace Baton.Providers.Tests.Host;

/// <summary>A fleet as large as the host provider's fan-out tests and the Ansible benchmark use.</summary>
[Collection(SshHostCollection.Name)]
public sealed class SshHostFleetScaleTests(SshHostsFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task TwentyHosts_Start_AndEveryOneAnswersSsh()
    {
        var clock = Stopwatch.StartNew();
        await using var fleet = await SshHostFleet.StartAsync(fixture.Podman, 20, "many");
        output.WriteLine($"20 hosts started in {clock.Elapsed.TotalSeconds:0.0} s");

        clock.Restart();
        var results = await Task.WhenAll(fleet.Hosts.Select(host =>
            SystemSsh.RunAsync(host, "root", fleet.PrivateKeyPath, fleet.KnownHostsPath, ["hostname"])));
        output.WriteLine($"20 ssh sessions at once in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(20, fleet.Hosts.Select(host => host.Port).Distinct().Count());
        foreach (var (host, result) in fleet.Hosts.Zip(results))
        {
            Assert.True(result.ExitCode == 0, $"{host.Name}: {result.Stderr}");
            Assert.Equal(host.Name + "\n", result.Stdout);
        }

        clock.Restart();
        await fleet.DisposeAsync();
        output.WriteLine($"removed in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(await fixture.Podman.ContainerIdsWithLabelAsync(SshHostFleet.LabelKey, fleet.Id));
    }
}
