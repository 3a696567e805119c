using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary><c>host.line</c> on real hosts: replace by match, append, absent, idempotence, a hand edit, a missing file.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostLineTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private const string Type = "host.line";
    private readonly string _directory = "/tmp/baton-line-" + Guid.NewGuid().ToString("N")[..8];
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[0];

    private IProvider Provider => _provider!;

    private string Config => _directory + "/sshd_config";

    public async Task InitializeAsync()
    {
        _provider = await HostProviders.StartAsync(Fleet);
        await Fleet.SideAsync(Host, "mkdir", "-p", _directory);
    }

    public async Task DisposeAsync()
    {
        await Fleet.ExecAsync(Host, "rm", "-rf", _directory);
        await Provider.DisposeAsync();
    }

    private Value Inputs(string line, params (string Key, object? Value)[] more) =>
        V.Map([("host", Host.Name), ("path", Config), ("line", line), .. more]);

    private Task<string> StatAsync() => Fleet.SideAsync(Host, "stat", "-c", "%i %a %U", Config);

    [Fact]
    public async Task Match_ReplacesTheMatchingLines_KeepingOwnerAndMode_AndASecondApplyChangesNothing()
    {
        await Fleet.WriteFileAsync(Host, Config, "Port 22\n#PermitRootLogin prohibit-password\nPermitRootLogin yes\nUsePAM yes\n", (UnixFileMode)Convert.ToInt32("600", 8), uid: 1001);
        var owner = (await Fleet.SideAsync(Host, "stat", "-c", "%U", Config)).Trim();
        var inputs = Inputs("PermitRootLogin no", ("match", "^#?PermitRootLogin[[:space:]]"));
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal("Port 22\nPermitRootLogin no\nPermitRootLogin no\nUsePAM yes\n", await Fleet.ReadFileAsync(Host, Config));
        Assert.EndsWith($" 600 {owner}\n", await StatAsync(), StringComparison.Ordinal);
        Assert.Equal($"{Host.Name}:line:{Config}:^#?PermitRootLogin[[:space:]]", created.Id);
        Assert.Equal(Value.String("present"), created.Attributes!.AsMap()["state"]);

        var before = await StatAsync();
        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(created.Attributes, (await Provider.CreateAsync(Type, inputs)).Attributes);
        }

        Assert.Equal(before, await StatAsync());

        await Fleet.SideAsync(Host, "sed", "-i", "s/PermitRootLogin no/PermitRootLogin yes/", Config);
        Assert.False((await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes)).Exists);
        await Provider.UpdateAsync(Type, created, inputs, inputs);
        Assert.Equal("Port 22\nPermitRootLogin no\nPermitRootLogin no\nUsePAM yes\n", await Fleet.ReadFileAsync(Host, Config));

        await Provider.DeleteAsync(Type, created);
        Assert.Equal("Port 22\nUsePAM yes\n", await Fleet.ReadFileAsync(Host, Config));
    }

    [Fact]
    public async Task WithoutMatch_TheLineIsAppendedOnce_EvenAfterALastLineWithoutNewline()
    {
        await Fleet.WriteFileAsync(Host, Config, "a\nb");
        var inputs = Inputs("%admins ALL=(ALL) NOPASSWD: ALL");
        await Provider.CreateAsync(Type, inputs);
        await Provider.CreateAsync(Type, inputs);
        Assert.Equal("a\nb\n%admins ALL=(ALL) NOPASSWD: ALL\n", await Fleet.ReadFileAsync(Host, Config));

        var plan = await Provider.PlanAsync(Type, Inputs("%admins ALL=(ALL) ALL"), inputs, null);
        Assert.Equal(["line"], plan.RequiresReplace.ToArray());
    }

    [Fact]
    public async Task Absent_RemovesEqualAndMatchingLines_AndAMissingFileIsFine()
    {
        await Fleet.WriteFileAsync(Host, Config, "keep\nX11Forwarding yes\nX11Forwarding no\nkeep too\nX11Forwarding no\n");
        var inputs = Inputs("X11Forwarding no", ("match", "^X11Forwarding"), ("state", "absent"));
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal("keep\nkeep too\n", await Fleet.ReadFileAsync(Host, Config));
        Assert.Equal(Value.String("absent"), created.Attributes!.AsMap()["state"]);
        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));

        await Fleet.SideAsync(Host, "sh", "-c", "echo 'X11Forwarding yes' >> \"$1\"", "sh", Config);
        read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(Value.String("present"), read.Attributes!.AsMap()["state"]);

        var missing = V.Map(("host", Host.Name), ("path", _directory + "/none"), ("line", "x"), ("state", "absent"));
        Assert.Equal(Value.String("absent"), (await Provider.CreateAsync(Type, missing)).Attributes!.AsMap()["state"]);
        Assert.Null(await Fleet.ReadFileAsync(Host, _directory + "/none"));
    }

    [Fact]
    public async Task AMissingFile_IsAClearError_UnlessCreateIsSet()
    {
        var path = _directory + "/admins";
        var inputs = V.Map(("host", Host.Name), ("path", path), ("line", "%admins ALL=(ALL) ALL"));
        var refused = await Provider.TryCreateAsync(Type, inputs, "host.line.admins");
        Assert.Equal(ProviderErrorKind.Permanent, refused.Error!.Kind);
        Assert.Contains($"host.line.admins: on host {Host.Name}", refused.Error.Message, StringComparison.Ordinal);
        Assert.Contains($"{path} does not exist (set create: true to create it)", refused.Error.Message, StringComparison.Ordinal);

        Assert.False((await Provider.ReadAsync(Type, $"{Host.Name}:line:{path}:%admins ALL=(ALL) ALL", inputs)).Exists);

        var create = V.Map(("host", Host.Name), ("path", path), ("line", "%admins ALL=(ALL) ALL"), ("create", true), ("mode", "0440"));
        await Provider.CreateAsync(Type, create);
        Assert.Equal("%admins ALL=(ALL) ALL\n", await Fleet.ReadFileAsync(Host, path));
        Assert.Equal("440\n", await Fleet.SideAsync(Host, "stat", "-c", "%a", path));
    }

    [Fact]
    public async Task AnInvalidExpression_IsAnErrorSayingSo()
    {
        await Fleet.WriteFileAsync(Host, Config, "a\n");
        var result = await Provider.TryCreateAsync(Type, Inputs("b", ("match", "a(")));
        Assert.Contains("match is not a valid extended regular expression", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("a\n", await Fleet.ReadFileAsync(Host, Config));
    }

    [Fact]
    public async Task TwoLinesOfOneFile_AppliedAtOnce_BothLand()
    {
        await Fleet.WriteFileAsync(Host, Config, "first\n");
        var lines = Enumerable.Range(0, 6).Select(i => Provider.CreateAsync(Type, Inputs($"line {i}"), $"host.line.l{i}"));
        await Task.WhenAll(lines);
        var text = await Fleet.ReadFileAsync(Host, Config);
        Assert.All(Enumerable.Range(0, 6), i => Assert.Contains($"line {i}\n", text, StringComparison.Ordinal));
    }
}
