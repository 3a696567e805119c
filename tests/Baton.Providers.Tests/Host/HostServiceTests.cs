using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary><c>host.service</c> and the restart and reload actions on real hosts, whose PID 1 is not systemd: the init script path.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostServiceTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private const string Type = "host.service";
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[2];

    private IProvider Provider => _provider!;

    public async Task InitializeAsync()
    {
        _provider = await HostProviders.StartAsync(Fleet);
        await Fleet.SideAsync(Host, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "baton-daemon");
    }

    public async Task DisposeAsync()
    {
        await Fleet.ExecAsync(Host, "service", "baton-daemon", "stop");
        await Fleet.ExecAsync(Host, ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "purge", "-y", "-qq", "baton-daemon"], null, CancellationToken.None);
        await Fleet.ExecAsync(Host, "rm", "-f", "/var/log/baton-daemon.log");
        await Provider.DisposeAsync();
    }

    private async Task<bool> RunningAsync() => (await Fleet.ExecAsync(Host, "service", "baton-daemon", "status")).ExitCode == 0;

    private async Task<bool> EnabledAsync() => (await Fleet.ExecAsync(Host, "sh", "-c", "ls /etc/rc2.d/S??baton-daemon")).ExitCode == 0;

    [Fact]
    public async Task RunningAndEnabled_StartsAndEnables_AStopByHandIsDrift_RestartAndReloadActionsWork()
    {
        var inputs = V.Map(("host", Host.Name), ("name", "baton-daemon"), ("state", "running"), ("enabled", true));
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.True(await RunningAsync());
        Assert.True(await EnabledAsync());
        Assert.Equal(Value.String("sysv"), created.Attributes!.AsMap()["init"]);

        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));

        await Fleet.SideAsync(Host, "service", "baton-daemon", "stop");
        read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(["state"], HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));
        await Provider.UpdateAsync(Type, created, inputs, inputs);
        Assert.True(await RunningAsync());

        await Fleet.WriteFileAsync(Host, "/etc/baton-daemon.conf", "port=8081\nmessage=changed\n");
        var reload = await Provider.InvokeAsync("host.reload", V.Map(("host", Host.Name), ("name", "baton-daemon")));
        Assert.Null(reload.Error);
        var restart = await Provider.InvokeAsync("host.restart", V.Map(("host", Host.Name + "-deploy"), ("name", "baton-daemon")));
        Assert.Null(restart.Error);
        Assert.Equal(Value.String("sysv"), restart.Outputs.AsMap()["init"]);
        var log = await Fleet.ReadFileAsync(Host, "/var/log/baton-daemon.log") ?? "";
        Assert.Contains("reloaded 1 message=changed", log, StringComparison.Ordinal);
        Assert.True(log.Split('\n').Count(l => l.StartsWith("started", StringComparison.Ordinal)) >= 3, log);

        var stopped = V.Map(("host", Host.Name), ("name", "baton-daemon"), ("state", "stopped"), ("enabled", false));
        var updated = await Provider.UpdateAsync(Type, created, inputs, stopped);
        Assert.False(await RunningAsync());
        Assert.False(await EnabledAsync());
        Assert.Equal(Value.String("stopped"), updated.Attributes!.AsMap()["state"]);
        Assert.Equal(Value.False, updated.Attributes!.AsMap()["enabled"]);
    }

    [Fact]
    public async Task UnknownService_IsGoneOnRead_AndCreateSaysSo()
    {
        var inputs = V.Map(("host", Host.Name), ("name", "no-such-service"), ("state", "running"));
        Assert.False((await Provider.ReadAsync(Type, $"{Host.Name}:service:no-such-service", inputs)).Exists);
        var result = await Provider.TryCreateAsync(Type, inputs);
        Assert.Contains("there is no service \"no-such-service\" (no /etc/init.d script)", result.Error!.Message, StringComparison.Ordinal);
    }
}
