using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary><c>host.link</c> on real hosts: create, a no-op refresh, a link retargeted by hand, force, ownership, delete.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostLinkTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private const string Type = "host.link";
    private readonly string _directory = "/tmp/baton-link-" + Guid.NewGuid().ToString("N")[..8];
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[0];

    private IProvider Provider => _provider!;

    public async Task InitializeAsync()
    {
        _provider = await HostProviders.StartAsync(Fleet);
        await Fleet.SideAsync(Host, "mkdir", "-p", _directory + "/releases/v1", _directory + "/releases/v2");
    }

    public async Task DisposeAsync()
    {
        await Fleet.ExecAsync(Host, "rm", "-rf", _directory);
        await Provider.DisposeAsync();
    }

    private Value Inputs(string target, params (string Key, object? Value)[] more) =>
        V.Map([("host", Host.Name), ("path", $"{_directory}/current"), ("target", target), .. more]);

    private Task<string> ReadLinkAsync() => Fleet.SideAsync(Host, "readlink", $"{_directory}/current");

    [Fact]
    public async Task Create_MakesTheLink_ARetargetByHandIsDrift_UpdateAndDeleteWork()
    {
        var inputs = Inputs($"{_directory}/releases/v1");
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal($"{_directory}/releases/v1\n", await ReadLinkAsync());
        Assert.Equal($"{Host.Name}:link:{_directory}/current", created.Id);
        Assert.Equal(Value.String("root"), created.Attributes!.AsMap()["owner"]);

        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));
        var again = await Provider.CreateAsync(Type, inputs);
        Assert.Equal(created.Attributes, again.Attributes);

        await Fleet.SideAsync(Host, "ln", "-sfn", "releases/v2", $"{_directory}/current");
        var drifted = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(Value.String("releases/v2"), drifted.Attributes!.AsMap()["target"]);
        Assert.Equal(["target"], HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, drifted.Attributes)).PlannedAttributes, drifted.Attributes!));
        await Provider.UpdateAsync(Type, created, inputs, inputs);
        Assert.Equal($"{_directory}/releases/v1\n", await ReadLinkAsync());

        var relative = Inputs("releases/v2");
        var retargeted = await Provider.UpdateAsync(Type, created, inputs, relative);
        Assert.Equal("releases/v2\n", await ReadLinkAsync());
        Assert.Equal(Value.String("releases/v2"), retargeted.Attributes!.AsMap()["target"]);
        Assert.Equal("v2\n", await Fleet.SideAsync(Host, "sh", "-c", "basename \"$(cd \"$1\" && pwd -P)\"", "sh", $"{_directory}/current"));

        await Provider.DeleteAsync(Type, retargeted);
        Assert.Equal(1, (await Fleet.ExecAsync(Host, "test", "-L", $"{_directory}/current")).ExitCode);
        Assert.Equal(0, (await Fleet.ExecAsync(Host, "test", "-d", $"{_directory}/releases/v2")).ExitCode);
        Assert.False((await Provider.ReadAsync(Type, created.Id!, relative, retargeted.Attributes)).Exists);
    }

    [Fact]
    public async Task ARegularFileThere_IsRefusedWithoutForce_AndReplacedWithIt_ADirectoryNever()
    {
        await Fleet.WriteFileAsync(Host, $"{_directory}/current", "a file\n");
        var refused = await Provider.TryCreateAsync(Type, Inputs("releases/v1"), "host.link.current");
        Assert.Contains("is not a symbolic link (set force: true to replace it)", refused.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("a file\n", await Fleet.ReadFileAsync(Host, $"{_directory}/current"));

        await Provider.CreateAsync(Type, Inputs("releases/v1", ("force", true)));
        Assert.Equal("releases/v1\n", await ReadLinkAsync());

        var directory = V.Map(("host", Host.Name), ("path", $"{_directory}/releases"), ("target", "/tmp"), ("force", true));
        var never = await Provider.TryCreateAsync(Type, directory);
        Assert.Contains("is a directory", never.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OwnerAndGroup_AreTheLinksOwn()
    {
        var inputs = Inputs("releases/v1", ("owner", "deploy"), ("group", "limited"));
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal("deploy limited\n", await Fleet.SideAsync(Host, "stat", "-c", "%U %G", $"{_directory}/current"));
        Assert.Equal("root\n", await Fleet.SideAsync(Host, "stat", "-c", "%U", $"{_directory}/releases/v1"));
        Assert.Equal(Value.String("deploy"), created.Attributes!.AsMap()["owner"]);

        await Fleet.SideAsync(Host, "chown", "-h", "root", $"{_directory}/current");
        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(["owner"], HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));
    }
}
