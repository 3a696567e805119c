using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary><c>host.directory</c> on real hosts.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostDirectoryTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private const string Type = "host.directory";
    private readonly string _base = "/tmp/baton-dir-" + Guid.NewGuid().ToString("N")[..8];
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[0];

    private IProvider Provider => _provider!;

    public async Task InitializeAsync() => _provider = await HostProviders.StartAsync(Fleet);

    public async Task DisposeAsync()
    {
        await Fleet.ExecAsync(Host, "rm", "-rf", _base);
        await Provider.DisposeAsync();
    }

    [Fact]
    public async Task Create_MakesItWithParents_DriftAfterChmod_UpdateHeals_DeleteRemovesIt()
    {
        var path = _base + "/a/b";
        var inputs = V.Map(("host", Host.Name), ("path", path), ("owner", "deploy"), ("mode", "0750"));
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal("750 deploy\n", await Fleet.SideAsync(Host, "stat", "-c", "%a %U", path));
        Assert.Equal(Value.String("0750"), created.Attributes!.AsMap()["mode"]);

        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));

        await Fleet.SideAsync(Host, "chmod", "0777", path);
        await Fleet.SideAsync(Host, "chown", "limited", path);
        read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(["mode", "owner"], HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));
        var healed = await Provider.UpdateAsync(Type, created, inputs, inputs);
        Assert.Equal(created.Attributes, healed.Attributes);
        Assert.Equal("750 deploy\n", await Fleet.SideAsync(Host, "stat", "-c", "%a %U", path));

        await Fleet.WriteFileAsync(Host, path + "/inside", "x");
        var refused = await Provider.DeleteAsync(new DeleteRequest { Type = Type, Address = "host.directory.test", Id = created.Id!, Attributes = healed.Attributes!, IdempotencyKey = "d1" }, CancellationToken.None);
        Assert.Contains("only an empty directory is removed unless force_destroy is true", refused.Error!.Message, StringComparison.Ordinal);

        var forced = V.Map(("host", Host.Name), ("path", path), ("owner", "deploy"), ("mode", "0750"), ("force_destroy", true));
        var withForce = await Provider.UpdateAsync(Type, healed, inputs, forced);
        await Provider.DeleteAsync(Type, withForce);
        Assert.Equal(1, (await Fleet.ExecAsync(Host, "test", "-e", path)).ExitCode);
        Assert.False((await Provider.ReadAsync(Type, created.Id!, inputs)).Exists);
    }

    [Fact]
    public async Task AFileInTheWay_IsAClearError()
    {
        await Fleet.SideAsync(Host, "mkdir", "-p", _base);
        await Fleet.WriteFileAsync(Host, _base + "/file", "x");
        var result = await Provider.TryCreateAsync(Type, V.Map(("host", Host.Name), ("path", _base + "/file")));
        Assert.Contains("exists and is not a directory", result.Error!.Message, StringComparison.Ordinal);
    }
}
