using Baton.Providers.Tests.Conformance;
using Xunit.Abstractions;

namespace Baton.Providers.Tests.Host;

/// <summary>The SSH test hosts, driven with the system's ssh client the way the host provider will drive them.</summary>
[Collection(SshHostCollection.Name)]
public sealed class SshHostFleetTests(SshHostsFixture fixture, ITestOutputHelper output)
{
    private SshHostFleet Fleet => fixture.Fleet;

    private Task<HostExecResult> SshAsync(SshHost host, string user, params string[] command) =>
        SystemSsh.RunAsync(host, user, Fleet.PrivateKeyPath, Fleet.KnownHostsPath, command);

    [Fact]
    public void Fleet_Started_ReportsHowLongEachStepTook()
    {
        output.WriteLine($"image tar {fixture.ImageTime.TotalSeconds:0.0} s (built only when not cached: {SshHostImage.TarPath})");
        output.WriteLine($"import {fixture.ImportTime.TotalSeconds:0.0} s, {SshHostsFixture.Count} hosts started in {fixture.StartTime.TotalSeconds:0.0} s");
        Assert.Equal(SshHostsFixture.Count, Fleet.Hosts.Count);
        Assert.Equal(SshHostsFixture.Count, Fleet.Hosts.Select(host => host.Port).Distinct().Count());
        Assert.Equal(SshHostsFixture.Count, Fleet.Hosts.Select(host => host.HostKeyLine).Distinct().Count());
        Assert.All(Fleet.Hosts, host => Assert.StartsWith("ssh-ed25519 AAAA", host.HostKeyLine, StringComparison.Ordinal));
        Assert.Equal(Fleet.Hosts.Select(host => host.KnownHostsLine), System.IO.File.ReadAllLines(Fleet.KnownHostsPath));
    }

    [Fact]
    public async Task Root_RunsACommand_OnEveryHost()
    {
        var results = await Task.WhenAll(Fleet.Hosts.Select(host => SshAsync(host, "root", "id", "-un", "&&", "hostname")));
        foreach (var (host, result) in Fleet.Hosts.Zip(results))
        {
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Equal($"root\n{host.Name}\n", result.Stdout);
        }
    }

    [Fact]
    public async Task RsaKey_IsAccepted()
    {
        var result = await SystemSsh.RunAsync(Fleet.Hosts[0], SshHostImage.DeployUser, Fleet.RsaPrivateKeyPath, Fleet.KnownHostsPath, ["id", "-un"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("deploy\n", result.Stdout);
    }

    [Fact]
    public async Task Deploy_CanSudoWithoutPassword_LimitedCannot()
    {
        var host = Fleet.Hosts[0];
        var deploy = await SshAsync(host, SshHostImage.DeployUser, "sudo", "-n", "id", "-u");
        Assert.True(deploy.ExitCode == 0, deploy.Stderr);
        Assert.Equal("0\n", deploy.Stdout);

        var limited = await SshAsync(host, SshHostImage.LimitedUser, "sudo", "-n", "true");
        Assert.Equal(1, limited.ExitCode);
        Assert.Contains("password is required", limited.Stderr, StringComparison.Ordinal);
        var whoami = await SshAsync(host, SshHostImage.LimitedUser, "id", "-u");
        Assert.Equal("1001\n", whoami.Stdout);
    }

    [Fact]
    public async Task Apt_InstallsAndUpgradesFromTheLocalRepository()
    {
        var host = Fleet.Hosts[0];
        await AssertSucceedsAsync(host, "apt-get", "update", "-qq");
        await AssertSucceedsAsync(host, "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "baton-hello=1.0");
        Assert.Equal("baton-hello 1.0\n", (await AssertSucceedsAsync(host, "baton-hello")).Stdout);

        await AssertSucceedsAsync(host, "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "baton-hello");
        Assert.Equal("baton-hello 1.1\n", (await AssertSucceedsAsync(host, "baton-hello")).Stdout);
        Assert.Equal("1.1\n", await Fleet.ReadFileAsync(host, "/usr/share/baton-hello/VERSION"));
        var query = await Fleet.ExecAsync(host, "dpkg-query", "-W", "-f", "${Version}", "baton-hello");
        Assert.Equal("1.1", query.Stdout);

        await AssertSucceedsAsync(host, "DEBIAN_FRONTEND=noninteractive", "apt-get", "remove", "-y", "-qq", "baton-hello");
        Assert.Null(await Fleet.ReadFileAsync(host, "/usr/share/baton-hello/VERSION"));
    }

    [Fact]
    public async Task Service_StartsReloadsAndStops()
    {
        var host = Fleet.Hosts[1];
        await AssertSucceedsAsync(host, "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "baton-daemon");
        var before = await SshAsync(host, "root", "service", "baton-daemon", "status");
        Assert.Equal(3, before.ExitCode);

        await AssertSucceedsAsync(host, "service", "baton-daemon", "start");
        Assert.Contains("is running", (await AssertSucceedsAsync(host, "service", "baton-daemon", "status")).Stdout, StringComparison.Ordinal);
        Assert.Equal("hello reloads=0\n", await GetAsync(host));

        await Fleet.WriteFileAsync(host, "/etc/baton-daemon.conf", "port=8081\nmessage=changed\n");
        await AssertSucceedsAsync(host, "service", "baton-daemon", "reload");
        await EventuallyAsync(async () => (await Fleet.ReadFileAsync(host, "/var/log/baton-daemon.log"))?.Contains("reloaded 1 message=changed\n", StringComparison.Ordinal) == true);
        Assert.Equal("changed reloads=1\n", await GetAsync(host));

        await AssertSucceedsAsync(host, "service", "baton-daemon", "stop");
        var after = await SshAsync(host, "root", "service", "baton-daemon", "status");
        Assert.Equal(3, after.ExitCode);
        Assert.Contains("is not running", after.Stdout, StringComparison.Ordinal);
        Assert.Contains("stopped pid=", await Fleet.ReadFileAsync(host, "/var/log/baton-daemon.log"), StringComparison.Ordinal);
        Assert.Equal(1, (await Fleet.ExecAsync(host, "pgrep", "-x", "baton-daemon")).ExitCode);
    }

    [Fact]
    public async Task WrongHostKey_IsRefused()
    {
        var (host, other) = (Fleet.Hosts[0], Fleet.Hosts[1]);
        using var directory = new TempDirectory();
        var wrong = directory.Combine("known_hosts");
        await System.IO.File.WriteAllTextAsync(wrong, $"[{host.Address}]:{host.Port} {other.HostKeyLine}\n");
        var refused = await SystemSsh.RunAsync(host, "root", Fleet.PrivateKeyPath, wrong, ["true"]);
        Assert.Equal(255, refused.ExitCode);
        Assert.Contains("Host key verification failed", refused.Stderr, StringComparison.Ordinal);

        var unknown = directory.Combine("empty");
        await System.IO.File.WriteAllTextAsync(unknown, "");
        var unknownRefused = await SystemSsh.RunAsync(host, "root", Fleet.PrivateKeyPath, unknown, ["true"]);
        Assert.Equal(255, unknownRefused.ExitCode);
        Assert.Contains("Host key verification failed", unknownRefused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppedHost_RefusesConnections_AndAnswersAgainAfterStart()
    {
        var host = Fleet.Hosts[2];
        await Fleet.StopAsync(host);
        try
        {
            var refused = await SshAsync(host, "root", "true");
            Assert.Equal(255, refused.ExitCode);
            Assert.Contains("Connection refused", refused.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await Fleet.StartAsync(host);
        }

        var result = await SshAsync(host, "root", "hostname");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(host.Name + "\n", result.Stdout);
    }

    [Fact]
    public async Task PausedHost_TimesOut_AndAnswersAgainAfterUnpause()
    {
        var host = Fleet.Hosts[2];
        await Fleet.PauseAsync(host);
        try
        {
            var timedOut = await SystemSsh.RunAsync(host, "root", Fleet.PrivateKeyPath, Fleet.KnownHostsPath, ["true"], connectTimeoutSeconds: 2);
            Assert.Equal(255, timedOut.ExitCode);
            Assert.Contains("timed out", timedOut.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await Fleet.UnpauseAsync(host);
        }

        Assert.Equal(0, (await SshAsync(host, "root", "true")).ExitCode);
    }

    [Fact]
    public async Task ExecAndFiles_FromTheSide_SeeTheHost()
    {
        var host = Fleet.Hosts[0];
        var exec = await Fleet.ExecAsync(host, "sh", "-c", "echo out; echo err >&2; exit 3");
        Assert.Equal(new HostExecResult(3, "out\n", "err\n"), exec);
        var asDeploy = await Fleet.ExecAsync(host, ["id", "-un"], SshHostImage.DeployUser, CancellationToken.None);
        Assert.Equal("deploy\n", asDeploy.Stdout);

        await Fleet.WriteFileAsync(host, "/home/deploy/note", "written from the side\n", UnixFileMode.UserRead | UnixFileMode.UserWrite, uid: 1000, gid: 1000);
        var seen = await SshAsync(host, SshHostImage.DeployUser, "stat", "-c", "%U:%a", "note", "&&", "cat", "note");
        Assert.Equal("deploy:600\nwritten from the side\n", seen.Stdout);
        Assert.Equal("written from the side\n", await Fleet.ReadFileAsync(host, "/home/deploy/note"));
        Assert.Null(await Fleet.ReadFileAsync(host, "/no/such/file"));
    }

    private async Task<HostExecResult> AssertSucceedsAsync(SshHost host, params string[] command)
    {
        var result = await SshAsync(host, "root", command);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)} exited with {result.ExitCode}: {result.Stderr}{result.Stdout}");
        return result;
    }

    /// <summary>What the host's baton-daemon answers on its port, fetched inside the host.</summary>
    private async Task<string> GetAsync(SshHost host)
    {
        var result = await Fleet.ExecAsync(host, "python3", "-c", $"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:{SshHostImage.DaemonPort}/').read().decode(), end='')");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 10 s");
            await Task.Delay(100);
        }
    }
}
