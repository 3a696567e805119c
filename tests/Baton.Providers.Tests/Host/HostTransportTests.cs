using System.Diagnostics;
using Baton.Providers.Host;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary>
/// The SSH transport on real hosts: one connection per host reused by every operation, strict host keys, key
/// authentication, unreachable and frozen hosts, timeouts, forks, and a connection killed in the middle of a write.
/// </summary>
[Collection(SshHostCollection.Name)]
public sealed class HostTransportTests(SshHostsFixture fixture)
{
    private SshHostFleet Fleet => fixture.Fleet;

    private static Value Exec(string host, params string[] command) =>
        V.Map(("host", host), ("command", Value.List(command.Select(Value.String))));

    /// <summary>The established TCP connections to the host's sshd, seen from inside it.</summary>
    private async Task<int> SshConnectionsAsync(SshHost host)
    {
        var count = 0;
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            var text = await Fleet.ExecAsync(host, "cat", table);
            foreach (var line in text.Stdout.Split('\n').Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && fields[1].EndsWith(":0016", StringComparison.Ordinal) && fields[3] == "01")
                {
                    count++;
                }
            }
        }

        return count;
    }

    [Fact]
    public async Task OneConnectionPerHost_IsReusedByEveryOperation_ConcurrentOnesToo()
    {
        var host = Fleet.Hosts[1];
        await using var provider = await HostProviders.StartAsync(Fleet);
        for (var i = 0; i < 5; i++)
        {
            Assert.Null((await provider.InvokeAsync("host.exec", Exec(host.Name, "true"))).Error);
        }

        // Six commands at once, each long enough to be seen running however loaded the machine is.
        var sleeping = Enumerable.Range(0, 6).Select(_ => provider.InvokeAsync("host.exec", Exec(host.Name, "sleep", "6"))).ToList();
        var sessions = await Fleet.ExecAsync(host, "pgrep", "-c", "-x", "sleep");
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); sessions.Stdout.Trim() != "6" && waited.Elapsed < TimeSpan.FromSeconds(5);)
        {
            await Task.Delay(100);
            sessions = await Fleet.ExecAsync(host, "pgrep", "-c", "-x", "sleep");
        }

        var during = await SshConnectionsAsync(host);
        var results = await Task.WhenAll(sleeping);
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(1, during);
        Assert.Equal("6", sessions.Stdout.Trim());
        Assert.Equal(1, HostProviders.Connection(provider, host.Name).Opened);
    }

    [Fact]
    public async Task ExecAction_ReturnsStatusAndOutput_AndPassesArgumentsExactly()
    {
        var host = Fleet.Hosts[0];
        await using var provider = await HostProviders.StartAsync(Fleet);
        var result = await provider.InvokeAsync("host.exec", V.Map(
            ("host", host.Name),
            ("command", Value.List(Value.String("sh"), Value.String("-c"), Value.String("printf '%s|' \"$@\"; cat; echo oops >&2; exit 3"), Value.String("sh"), Value.String("a b"), Value.String("'$x`;"))),
            ("stdin", "from stdin")));
        Assert.Null(result.Error);
        Assert.Equal(Value.Number(3), result.Outputs.AsMap()["exit_code"]);
        Assert.Equal(Value.String("a b|'$x`;|from stdin"), result.Outputs.AsMap()["stdout"]);
        Assert.Equal(Value.String("oops\n"), result.Outputs.AsMap()["stderr"]);

        var expected = await provider.InvokeAsync("host.exec", V.Map(("host", host.Name), ("command", Value.List(Value.String("false"))), ("expect_exit_code", 0)));
        Assert.Contains("exit status 1", expected.Error!.Message, StringComparison.Ordinal);

        var become = await provider.InvokeAsync("host.exec", Exec(host.Name + "-deploy", "id", "-un"));
        Assert.Equal(Value.String("root\n"), become.Outputs.AsMap()["stdout"]);
        var limited = await provider.InvokeAsync("host.exec", Exec(host.Name + "-limited", "id", "-un"));
        Assert.Equal(Value.String("limited\n"), limited.Outputs.AsMap()["stdout"]);
    }

    [Fact]
    public async Task HostKeyMismatch_IsRefused_NamingBothFingerprints()
    {
        var host = Fleet.Hosts[0];
        var impostor = Fleet.Hosts[1];
        var configuration = HostProviders.Configuration(Fleet, (h, name) => name == host.Name ? Entry(h, $"[{h.Address}]:{h.Port} {impostor.HostKeyLine}\n") : Entry(h, h.KnownHostsLine));
        await using var provider = await new HostProviderFactory().StartAsync(configuration);
        var result = await provider.InvokeAsync("host.exec", Exec(host.Name, "touch", "/tmp/should-not-exist"));
        Assert.NotNull(result.Error);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error.Kind);
        Assert.Contains($"host {host.Name} ", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("HOST KEY MISMATCH", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains(Fingerprint(host.HostKeyLine), result.Error.Message, StringComparison.Ordinal);
        Assert.Contains(Fingerprint(impostor.HostKeyLine), result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await Fleet.ExecAsync(host, "test", "-e", "/tmp/should-not-exist")).ExitCode);
    }

    [Fact]
    public async Task NoKnownHostsEntry_IsRefused_NamingTheServersFingerprint()
    {
        var host = Fleet.Hosts[0];
        var configuration = HostProviders.Configuration(Fleet, (h, _) => Entry(h, $"[{h.Address}]:{h.Port + 1} {h.HostKeyLine}\n"));
        await using var provider = await new HostProviderFactory().StartAsync(configuration);
        var result = await provider.InvokeAsync("host.exec", Exec(host.Name, "true"));
        Assert.Contains($"known_hosts has no key for [{host.Address}]:{host.Port}", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains(Fingerprint(host.HostKeyLine), result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HashedKnownHosts_AndAnRsaKey_AreAccepted()
    {
        var host = Fleet.Hosts[0];
        var file = Path.Combine(Fleet.Directory, "known_hosts_hashed_" + Guid.NewGuid().ToString("N")[..6]);
        System.IO.File.WriteAllText(file, host.KnownHostsLine + "\n");
        Run("ssh-keygen", "-H", "-f", file);
        var rsa = Value.String(System.IO.File.ReadAllText(Fleet.RsaPrivateKeyPath)).AsSensitive();
        var configuration = HostProviders.Configuration(Fleet, (h, _) => V.Map(("address", h.Address), ("port", h.Port), ("user", "deploy"), ("private_key", rsa), ("known_hosts_file", file)));
        await using var provider = await new HostProviderFactory().StartAsync(configuration);
        var result = await provider.InvokeAsync("host.exec", Exec(host.Name, "id", "-un"));
        Assert.Null(result.Error);
        Assert.Equal(Value.String("deploy\n"), result.Outputs.AsMap()["stdout"]);
    }

    [Fact]
    public async Task WrongKey_IsRefused_NamingTheHostAndUser()
    {
        var host = Fleet.Hosts[0];
        var keyFile = Path.Combine(Fleet.Directory, "stranger_" + Guid.NewGuid().ToString("N")[..6]);
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keyFile);
        var configuration = HostProviders.Configuration(Fleet, (h, _) => V.Map(("address", h.Address), ("port", h.Port), ("user", "root"), ("private_key_file", keyFile), ("known_hosts", h.KnownHostsLine)));
        await using var provider = await new HostProviderFactory().StartAsync(configuration);
        var result = await provider.InvokeAsync("host.exec", Exec(host.Name, "true"));
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains($"host {host.Name} (root@{host.Address}:{host.Port}): authentication as root with the private key failed", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppedHost_FailsTransientlyNamingIt_AndTheConnectionIsReopenedWhenItIsBack()
    {
        var host = Fleet.Hosts[2];
        await using var provider = await HostProviders.StartAsync(Fleet);
        Assert.Null((await provider.InvokeAsync("host.exec", Exec(host.Name, "true"))).Error);
        await Fleet.StopAsync(host);
        try
        {
            var down = await provider.InvokeAsync("host.exec", Exec(host.Name, "true"));
            Assert.NotNull(down.Error);
            Assert.Equal(ProviderErrorKind.Transient, down.Error.Kind);
            Assert.Contains($"host {host.Name} (root@{host.Address}:{host.Port})", down.Error.Message, StringComparison.Ordinal);
            var read = await provider.ReadAsync(new ReadRequest { Type = "host.file", Address = "host.file.motd", Id = $"{host.Name}:file:/etc/motd", Inputs = V.Map(("host", host.Name), ("path", "/etc/motd")) }, CancellationToken.None);
            Assert.Contains("host.file.motd", read.Error!.Message, StringComparison.Ordinal);
            Assert.Contains($"host {host.Name}", read.Error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await Fleet.StartAsync(host);
        }

        var back = await provider.InvokeAsync("host.exec", Exec(host.Name, "hostname"));
        Assert.Null(back.Error);
        Assert.Equal(Value.String(host.Name + "\n"), back.Outputs.AsMap()["stdout"]);
        Assert.Equal(2, HostProviders.Connection(provider, host.Name).Opened);
    }

    [Fact]
    public async Task FrozenHost_TimesOutConnecting_Transiently()
    {
        var host = Fleet.Hosts[2];
        await using var provider = await HostProviders.StartAsync(Fleet, ("connect_timeout", "2s"));
        await Fleet.PauseAsync(host);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await provider.InvokeAsync("host.exec", Exec(host.Name, "true"));
            Assert.Equal(ProviderErrorKind.Transient, result.Error!.Kind);
            Assert.Contains("no answer within 2s (connect_timeout)", result.Error.Message, StringComparison.Ordinal);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(15));
        }
        finally
        {
            await Fleet.UnpauseAsync(host);
        }
    }

    [Fact]
    public async Task SlowCommand_IsStoppedAtItsTimeout()
    {
        var host = Fleet.Hosts[0];
        await using var provider = await HostProviders.StartAsync(Fleet);
        var clock = Stopwatch.StartNew();
        var result = await provider.InvokeAsync("host.exec", V.Map(("host", host.Name), ("command", Value.List(Value.String("sleep"), Value.String("30"))), ("timeout", "1s")));
        Assert.Equal(ProviderErrorKind.Transient, result.Error!.Kind);
        Assert.Contains("sleep did not finish within 1s", result.Error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Null((await provider.InvokeAsync("host.exec", Exec(host.Name, "true"))).Error);
    }

    [Fact]
    public async Task Forks_BoundHostsWorkedOnAtOnce_AndSessionsBoundCommandsPerHost()
    {
        var (first, second) = (Fleet.Hosts[0], Fleet.Hosts[1]);
        await using var one = await HostProviders.StartAsync(Fleet, ("forks", 1), ("sessions_per_host", 2));
        await Task.WhenAll(one.InvokeAsync("host.exec", Exec(first.Name, "true")), one.InvokeAsync("host.exec", Exec(second.Name, "true")));

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(one.InvokeAsync("host.exec", Exec(first.Name, "sleep", "1")), one.InvokeAsync("host.exec", Exec(second.Name, "sleep", "1")));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"two hosts with forks 1 took {clock.Elapsed}");

        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => one.InvokeAsync("host.exec", Exec(first.Name, "sleep", "1"))));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"four commands with two sessions took {clock.Elapsed}");

        await using var both = await HostProviders.StartAsync(Fleet, ("forks", 2));
        await Task.WhenAll(both.InvokeAsync("host.exec", Exec(first.Name, "true")), both.InvokeAsync("host.exec", Exec(second.Name, "true")));
        clock.Restart();
        await Task.WhenAll(both.InvokeAsync("host.exec", Exec(first.Name, "sleep", "1")), both.InvokeAsync("host.exec", Exec(second.Name, "sleep", "1")));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.9), $"two hosts with forks 2 took {clock.Elapsed}");
    }

    [Fact]
    public async Task ConnectionKilledMidTransfer_LeavesTheTargetUnchanged_AndTheNextWriteCleansUp()
    {
        var host = Fleet.Hosts[1];
        var directory = "/tmp/baton-transfer-" + Guid.NewGuid().ToString("N")[..8];
        await Fleet.SideAsync(host, "mkdir", "-p", directory);
        var path = directory + "/big.bin";
        await Fleet.WriteFileAsync(host, path, "the old content\n");
        await using var provider = await HostProviders.StartAsync(Fleet);
        try
        {
            const int Size = 64 * 1024 * 1024;
            var large = V.Map(("host", host.Name), ("path", path), ("content", new string('x', Size)));
            var (writing, frozen) = await FreezeWriterAsync(host, directory, Size, () => provider.TryCreateAsync("host.file", large));
            Assert.True(frozen.HasValue, "the write finished before its writer was seen");

            // Kill the SSH connection's server side (the session processes of root's connection), as a network cut
            // would, then let the writer go on: it sees its input end early.
            await Fleet.ExecAsync(host, "pkill", "-KILL", "-f", "^sshd: root");
            await Fleet.ExecAsync(host, "kill", "-CONT", frozen.Value.Writer);
            var result = await writing;
            Assert.NotNull(result.Error);
            Assert.Contains($"host {host.Name}", result.Error.Message, StringComparison.Ordinal);
            Assert.Equal("the old content\n", await Fleet.ReadFileAsync(host, path));

            var small = V.Map(("host", host.Name), ("path", path), ("content", "the new content\n"));
            Assert.Null((await provider.TryCreateAsync("host.file", small)).Error);
            Assert.Equal("the new content\n", await Fleet.ReadFileAsync(host, path));
            Assert.Equal("big.bin\n", await Fleet.SideAsync(host, "ls", "-A", directory));
            Assert.Equal(2, HostProviders.Connection(provider, host.Name).Opened);
        }
        finally
        {
            await Fleet.ExecAsync(host, "rm", "-rf", directory);
        }
    }

    [Fact]
    public async Task ConnectionKilledMidTransfer_OfANewFile_LeavesNoFile_AndARetryConverges()
    {
        var host = Fleet.Hosts[1];
        var directory = "/tmp/baton-transfer-" + Guid.NewGuid().ToString("N")[..8];
        await Fleet.SideAsync(host, "mkdir", "-p", directory);
        var path = directory + "/new.bin";
        await using var provider = await HostProviders.StartAsync(Fleet);
        try
        {
            var content = new string('z', 64 * 1024 * 1024);
            var large = V.Map(("host", host.Name), ("path", path), ("content", content));
            var (writing, frozen) = await FreezeWriterAsync(host, directory, content.Length, () => provider.TryCreateAsync("host.file", large));
            Assert.True(frozen.HasValue, "the write finished before its writer was seen");
            await Fleet.ExecAsync(host, "pkill", "-KILL", "-f", "^sshd: root");
            await Fleet.ExecAsync(host, "kill", "-CONT", frozen.Value.Writer);
            Assert.NotNull((await writing).Error);
            Assert.Equal(1, (await Fleet.ExecAsync(host, "test", "-e", path)).ExitCode);

            var retried = await provider.TryCreateAsync("host.file", large);
            Assert.Null(retried.Error);
            Assert.Equal($"{content.Length}\n", await Fleet.SideAsync(host, "stat", "-c", "%s", path));
            Assert.Equal("new.bin\n", await Fleet.SideAsync(host, "ls", "-A", directory));
        }
        finally
        {
            await Fleet.ExecAsync(host, "rm", "-rf", directory);
        }
    }

    [Fact]
    public async Task ShellKilledMidTransfer_LeavesATempFile_ThatTheNextWriteRemoves()
    {
        var host = Fleet.Hosts[1];
        var directory = "/tmp/baton-transfer-" + Guid.NewGuid().ToString("N")[..8];
        await Fleet.SideAsync(host, "mkdir", "-p", directory);
        var path = directory + "/big.bin";
        await Fleet.WriteFileAsync(host, path, "the old content\n");
        await using var provider = await HostProviders.StartAsync(Fleet);
        try
        {
            const int Size = 64 * 1024 * 1024;
            var big = V.Map(("host", host.Name), ("path", path), ("content", new string('y', Size)));
            var (writing, frozen) = await FreezeWriterAsync(host, directory, Size, () => provider.TryCreateAsync("host.file", big));
            Assert.True(frozen.HasValue, "the write finished before its writer was seen");

            // SIGKILL gives the write script no chance to clean up after itself.
            await Fleet.ExecAsync(host, "kill", "-KILL", frozen.Value.Shell, frozen.Value.Writer);
            var result = await writing;
            Assert.NotNull(result.Error);
            Assert.Equal("the old content\n", await Fleet.ReadFileAsync(host, path));
            Assert.Contains(".big.bin.baton-tmp.", await Fleet.SideAsync(host, "ls", "-A", directory), StringComparison.Ordinal);

            Assert.Null((await provider.TryCreateAsync("host.file", V.Map(("host", host.Name), ("path", path), ("content", "the new content\n")))).Error);
            Assert.Equal("big.bin\n", await Fleet.SideAsync(host, "ls", "-A", directory));
        }
        finally
        {
            await Fleet.ExecAsync(host, "rm", "-rf", directory);
        }
    }

    /// <summary>
    /// Starts <paramref name="write"/> with a loop inside the host already watching <paramref name="directory"/>: the
    /// moment a process writes a temporary file there, the loop stops it (SIGSTOP), so the transfer is frozen part
    /// way whatever the speed of the machine. Returns the write and the pids of the writer and its shell, or null
    /// pids when the write ended first.
    /// </summary>
    private async Task<(Task<ResourceResult> Writing, (string Writer, string Shell)? Frozen)> FreezeWriterAsync(
        SshHost host, string directory, long size, Func<Task<ResourceResult>> write)
    {
        // The watch uses only shell builtins until the temporary file appears, then stops the writer (cat, the only
        // one on the host while this collection's tests run one at a time) as soon as it has started.
        const string Freeze = """
            d=$1 ready=$2 i=0
            : > "$ready"
            while [ $i -lt 2000000 ]; do
              for f in "$d"/.*.baton-tmp.*; do
                if [ -e "$f" ]; then
                  j=0
                  while ! pkill -STOP -x cat; do
                    j=$((j + 1))
                    if [ $j -ge 5000 ]; then rm -f "$ready"; exit 1; fi
                  done
                  w=$(pgrep -n -x cat)
                  echo "$w $(cut -d' ' -f4 "/proc/$w/stat")"
                  rm -f "$ready"
                  exit 0
                fi
              done
              i=$((i + 1))
            done
            rm -f "$ready"
            exit 1
            """;
        var ready = "/tmp/baton-freeze-" + Guid.NewGuid().ToString("N")[..8];
        var freezing = Fleet.ExecAsync(host, "sh", "-c", Freeze, "freeze", directory, ready);
        var clock = Stopwatch.StartNew();
        while ((await Fleet.ExecAsync(host, "test", "-e", ready)).ExitCode != 0)
        {
            Assert.False(freezing.IsCompleted || clock.Elapsed > TimeSpan.FromSeconds(30), "the watching loop did not start");
            await Task.Delay(20);
        }

        var writing = write();
        var frozen = await freezing;
        if (frozen.ExitCode != 0 || writing.IsCompleted)
        {
            return (writing, null);
        }

        var pids = frozen.Stdout.Trim().Split(' ');
        var temp = await Fleet.ExecAsync(host, "sh", "-c", "stat -c %s -- \"$1\"/.*.baton-tmp.*", "size", directory);
        Assert.True(long.Parse(temp.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture) < size, "the writer was stopped only after all the content had arrived");
        return (writing, (pids[0], pids[1]));
    }

    private static Value Entry(SshHost host, string knownHosts) => V.Map(
        ("address", host.Address), ("port", host.Port), ("user", "root"), ("private_key_file", "id_ed25519"), ("known_hosts", knownHosts));

    private static string Fingerprint(string keyLine) => KnownHosts.Fingerprint(Convert.FromBase64String(keyLine.Split(' ')[1]));

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program}: {error}");
    }
}
