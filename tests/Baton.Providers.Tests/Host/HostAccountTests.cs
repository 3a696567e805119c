using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary><c>host.user</c> and <c>host.group</c> on real hosts.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostAccountTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private readonly string _user = "bt" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _group = "btg" + Guid.NewGuid().ToString("N")[..6];
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[1];

    private IProvider Provider => _provider!;

    public async Task InitializeAsync() => _provider = await HostProviders.StartAsync(Fleet);

    public async Task DisposeAsync()
    {
        await Fleet.ExecAsync(Host, "userdel", "-r", _user);
        await Fleet.ExecAsync(Host, "groupdel", _group);
        await Provider.DisposeAsync();
    }

    [Fact]
    public async Task Group_CreateReadDriftDelete()
    {
        var inputs = V.Map(("host", Host.Name), ("name", _group), ("gid", 4321));
        var created = await Provider.CreateAsync("host.group", inputs);
        Assert.Equal($"{_group}:x:4321:\n", await Fleet.SideAsync(Host, "getent", "group", _group));
        var read = await Provider.ReadAsync("host.group", created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);

        await Fleet.SideAsync(Host, "groupmod", "-g", "4322", _group);
        read = await Provider.ReadAsync("host.group", created.Id!, inputs, created.Attributes);
        Assert.Equal(["gid"], HostProviders.Differences((await Provider.PlanAsync("host.group", inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));
        await Provider.UpdateAsync("host.group", created, inputs, inputs);
        Assert.Equal($"{_group}:x:4321:\n", await Fleet.SideAsync(Host, "getent", "group", _group));

        await Provider.DeleteAsync("host.group", created);
        Assert.Equal(2, (await Fleet.ExecAsync(Host, "getent", "group", _group)).ExitCode);
        Assert.False((await Provider.ReadAsync("host.group", created.Id!, inputs)).Exists);
    }

    [Fact]
    public async Task User_CreateWithGroupsAndShell_DriftAfterUsermod_UpdateHeals_Delete()
    {
        var group = await Provider.CreateAsync("host.group", V.Map(("host", Host.Name), ("name", _group)));
        var inputs = V.Map(("host", Host.Name + "-deploy"), ("name", _user), ("uid", 2345), ("shell", "/bin/sh"), ("groups", Value.List(Value.String(_group))));
        var created = await Provider.CreateAsync("host.user", inputs);
        var passwd = (await Fleet.SideAsync(Host, "getent", "passwd", _user)).Trim().Split(':');
        Assert.Equal(["2345", "/home/" + _user, "/bin/sh"], new[] { passwd[2], passwd[5], passwd[6] });
        Assert.Contains(_group, await Fleet.SideAsync(Host, "id", "-Gn", _user), StringComparison.Ordinal);
        var attributes = created.Attributes!.AsMap();
        Assert.Equal(Value.String("/home/" + _user), attributes["home"]);
        Assert.Equal(Value.List(Value.String(_group)), attributes["groups"]);

        var read = await Provider.ReadAsync("host.user", created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync("host.user", inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));

        await Fleet.SideAsync(Host, "usermod", "-s", "/bin/bash", "-G", "", _user);
        read = await Provider.ReadAsync("host.user", created.Id!, inputs, created.Attributes);
        Assert.Equal(["groups", "shell"], HostProviders.Differences((await Provider.PlanAsync("host.user", inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));
        var healed = await Provider.UpdateAsync("host.user", created, inputs, inputs);
        Assert.Equal(created.Attributes, healed.Attributes);

        await Provider.DeleteAsync("host.user", healed);
        Assert.Equal(2, (await Fleet.ExecAsync(Host, "getent", "passwd", _user)).ExitCode);
        await Provider.DeleteAsync("host.group", group);
    }
}
