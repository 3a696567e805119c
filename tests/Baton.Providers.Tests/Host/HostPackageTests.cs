using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary><c>host.package</c> on real hosts, from the image's local apt repository (baton-hello 1.0 and 1.1, baton-daemon 1.0).</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostPackageTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private const string Type = "host.package";
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[2];

    private IProvider Provider => _provider!;

    public async Task InitializeAsync()
    {
        _provider = await HostProviders.StartAsync(Fleet);
        await RemoveAsync();
    }

    public async Task DisposeAsync()
    {
        await RemoveAsync();
        await Provider.DisposeAsync();
    }

    private Task<HostExecResult> RemoveAsync() =>
        Fleet.ExecAsync(Host, ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "purge", "-y", "-qq", "baton-hello", "baton-daemon"], null, CancellationToken.None);

    private async Task<string> InstalledAsync(string name)
    {
        var query = await Fleet.ExecAsync(Host, "dpkg-query", "-W", "-f", "${db:Status-Abbrev}${Version}", name);
        return query.ExitCode == 0 && query.Stdout.StartsWith("ii", StringComparison.Ordinal) ? query.Stdout[3..] : "";
    }

    [Fact]
    public async Task Pinned_InstallsThatVersion_ChangingThePinUpgrades_RemovalByHandIsDrift()
    {
        var inputs = V.Map(("host", Host.Name), ("name", "baton-hello"), ("version", "1.0"));
        var plan = await Provider.PlanAsync(Type, inputs, null, null);
        Assert.Equal(V.Map(("baton-hello", "1.0")), plan.PlannedAttributes.AsMap()["installed"]);
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal("1.0", await InstalledAsync("baton-hello"));
        Assert.Equal(V.Map(("baton-hello", "1.0")), created.Attributes!.AsMap()["installed"]);

        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));

        var upgraded = V.Map(("host", Host.Name), ("name", "baton-hello"), ("version", "1.1"));
        var updated = await Provider.UpdateAsync(Type, created, inputs, upgraded);
        Assert.Equal("1.1", await InstalledAsync("baton-hello"));
        Assert.Equal(V.Map(("baton-hello", "1.1")), updated.Attributes!.AsMap()["installed"]);

        var downgraded = await Provider.UpdateAsync(Type, updated, upgraded, inputs);
        Assert.Equal("1.0", await InstalledAsync("baton-hello"));

        await RemoveAsync();
        read = await Provider.ReadAsync(Type, created.Id!, inputs, downgraded.Attributes);
        Assert.Equal(["installed"], HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));
    }

    [Fact]
    public async Task Latest_ReportsAnOlderVersionAsOutdated_AndUpgradesIt()
    {
        await Fleet.SideAsync(Host, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "baton-hello=1.0");
        var inputs = V.Map(("host", Host.Name), ("name", "baton-hello"), ("state", "latest"));
        var read = await Provider.ReadAsync(Type, $"{Host.Name}:package:baton-hello", inputs);
        Assert.Equal(Value.List(Value.String("baton-hello")), read.Attributes!.AsMap()["outdated"]);
        var plan = await Provider.PlanAsync(Type, inputs, inputs, read.Attributes);
        Assert.Contains("outdated", HostProviders.Differences(plan.PlannedAttributes, read.Attributes!));

        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal("1.1", await InstalledAsync("baton-hello"));
        Assert.Equal(Value.EmptyList, created.Attributes!.AsMap()["outdated"]);
        read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));
    }

    [Fact]
    public async Task SeveralNames_InstallTogether_DeleteRemovesThem_AbsentKeepsThemAway()
    {
        var inputs = V.Map(("host", Host.Name + "-deploy"), ("names", Value.List(Value.String("baton-hello"), Value.String("baton-daemon"))));
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal($"{Host.Name}-deploy:package:baton-hello,baton-daemon", created.Id);
        Assert.Equal("1.1", await InstalledAsync("baton-hello"));
        Assert.Equal("1.0", await InstalledAsync("baton-daemon"));
        await Provider.DeleteAsync(Type, created);
        Assert.Equal("", await InstalledAsync("baton-hello"));
        Assert.Equal("", await InstalledAsync("baton-daemon"));

        var absent = V.Map(("host", Host.Name), ("name", "baton-hello"), ("state", "absent"));
        var kept = await Provider.CreateAsync(Type, absent);
        await Fleet.SideAsync(Host, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "baton-hello");
        var read = await Provider.ReadAsync(Type, kept.Id!, absent, kept.Attributes);
        Assert.Equal(["installed"], HostProviders.Differences((await Provider.PlanAsync(Type, absent, absent, read.Attributes)).PlannedAttributes, read.Attributes!));
        await Provider.UpdateAsync(Type, kept, absent, absent);
        Assert.Equal("", await InstalledAsync("baton-hello"));
    }

    [Fact]
    public async Task UnknownPackage_FailsWithAptsMessage()
    {
        var result = await Provider.TryCreateAsync(Type, V.Map(("host", Host.Name), ("name", "no-such-package")), "host.package.nope");
        Assert.Contains("host.package.nope", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install no-such-package failed with exit status 100", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Unable to locate package", result.Error.Message, StringComparison.Ordinal);
    }
}
