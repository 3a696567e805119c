using System.Diagnostics;
using Baton.Providers.Host;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary>The provider's settings: what starts, and every wrong setting reported as a problem naming it (keys never quoted).</summary>
public sealed class HostSettingsTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _key;
    private readonly string _knownHosts = "[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n";

    public HostSettingsTests()
    {
        var file = _directory.Combine("id_ed25519");
        var start = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-q", "-t", "ed25519", "-N", "", "-f", file })
        {
            start.ArgumentList.Add(argument);
        }

        using (var process = System.Diagnostics.Process.Start(start)!)
        {
            process.WaitForExit();
        }

        _key = System.IO.File.ReadAllText(file);
    }

    public void Dispose() => _directory.Dispose();

    private ProviderConfiguration Configuration(Value settings) => new()
    {
        InstanceName = "host",
        Settings = settings,
        StackDirectory = _directory.Path,
        StateDirectory = _directory.Combine(".baton"),
    };

    private Value Host(params (string Key, object? Value)[] overrides)
    {
        var entries = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["address"] = "127.0.0.1",
            ["port"] = 2222,
            ["user"] = "deploy",
            ["private_key"] = Value.String(_key).AsSensitive(),
            ["known_hosts"] = _knownHosts,
        };
        foreach (var (key, value) in overrides)
        {
            entries[key] = value;
        }

        return V.Map([.. entries.Where(e => e.Value is not null).Select(e => (e.Key, e.Value))]);
    }

    [Fact]
    public async Task Factory_GoodInventory_StartsWithoutContactingAnyHost()
    {
        var settings = V.Map(("inventory", V.Map(("web1", Host()), ("web2", Host(("private_key", null), ("private_key_file", "id_ed25519")))))
            , ("forks", 3), ("connect_timeout", "2s"), ("command_timeout", "1m"));
        await using var provider = await new HostProviderFactory().StartAsync(Configuration(settings));
        Assert.Equal("host", provider.Schema.Family);
    }

    [Fact]
    public async Task Factory_NoInventory_StartsWithNoHostsAndEveryHostIsUnknown()
    {
        await using var provider = await new HostProviderFactory().StartAsync(Configuration(Value.EmptyMap));

        var result = await provider.ValidateAsync(new ValidateRequest("host.directory", "d", V.Map(("host", "web1"), ("path", "/srv"))), CancellationToken.None);

        Assert.Contains(result.Diagnostics, d => d.Message.Contains("web1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Factory_InventoryFromHosts_IsUsedOverTheSetting()
    {
        var configuration = Configuration(Value.EmptyMap) with { Inventory = V.Map(("127.0.0.1:2202", Host())) };

        await using var provider = await new HostProviderFactory().StartAsync(configuration);

        var result = await provider.ValidateAsync(new ValidateRequest("host.directory", "d", V.Map(("host", "127.0.0.1:2202"), ("path", "/srv"))), CancellationToken.None);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public async Task Factory_EveryBadHostField_IsAProblemNamingTheHostAndField()
    {
        var settings = V.Map(("inventory", V.Map(
            ("a", Host(("address", null))),
            ("b", Host(("port", 70000))),
            ("c", Host(("private_key", Value.String("-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LWtleS10ZXh0\n-----END OPENSSH PRIVATE KEY-----\n").AsSensitive()))),
            ("d", Host(("known_hosts", null))),
            ("e", Host(("known_hosts", "[h]:22 ssh-ed25519 ###"))),
            ("f", Host(("private_key", null), ("private_key_file", "missing"))),
            ("g", Host(("user", null))))));
        var problems = await new HostProviderFactory().RefusedAsync(Configuration(settings));
        Assert.All(problems, p => Assert.Equal("inventory", p.Setting));
        var messages = problems.Select(p => p.Message).ToList();
        Assert.Contains(messages, m => m.StartsWith("a.address: required", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("b.port:", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("c.private_key: not a private key", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("d.known_hosts: required", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("e.known_hosts: line 1:", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("f.private_key_file: cannot read", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("g.user: required", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("c2VjcmV0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("forks", 0)]
    [InlineData("connect_timeout", "soon")]
    [InlineData("command_timeout", "0s")]
    [InlineData("agent", true)]
    public async Task Factory_BadTransportSetting_IsRefusedNamingIt(string setting, object value)
    {
        var settings = V.Map(("inventory", V.Map(("web1", Host()))), (setting, value));
        var problem = Assert.Single(await new HostProviderFactory().RefusedAsync(Configuration(settings)));
        Assert.Equal(setting, problem.Setting);
    }

    [Fact]
    public async Task Validate_UnknownHost_NamesItAndTheKnownOnes()
    {
        var settings = V.Map(("inventory", V.Map(("web1", Host()), ("web2", Host()))));
        await using var provider = await new HostProviderFactory().StartAsync(Configuration(settings));
        var result = await provider.ValidateAsync(new ValidateRequest("host.file", "host.file.motd", V.Map(("host", "db9"), ("path", "/etc/motd"))), CancellationToken.None);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(HostProvider.UnknownHostCode, diagnostic.Code);
        Assert.Equal("host \"db9\" is not in the inventory; the known hosts are web1, web2", diagnostic.Message);
    }

    [Theory]
    [InlineData("host.file", "path", "etc/motd")]
    [InlineData("host.file", "mode", "rw-r--r--")]
    [InlineData("host.file", "state", "gone")]
    [InlineData("host.directory", "path", "/")]
    [InlineData("host.exec", "creates", "relative")]
    [InlineData("host.package", "name", "Bad Name")]
    [InlineData("host.service", "state", "up")]
    [InlineData("host.user", "name", "-rf")]
    public async Task Validate_BadInput_IsADiagnostic(string type, string name, string value)
    {
        var settings = V.Map(("inventory", V.Map(("web1", Host()))));
        await using var provider = await new HostProviderFactory().StartAsync(Configuration(settings));
        var inputs = type switch
        {
            "host.exec" => V.Map(("host", "web1"), ("command", Value.List(Value.String("true"))), (name, value)),
            _ => V.Map(("host", "web1"), ("path", "/tmp/x"), ("name", "ok"), (name, value)),
        };
        var result = await provider.ValidateAsync(new ValidateRequest(type, type + ".x", inputs), CancellationToken.None);
        Assert.Contains(result.Diagnostics, d => d.IsError && d.Message.StartsWith(name, StringComparison.Ordinal));
    }

    [Fact]
    public void Factory_IsDeclaredOnTheAssembly()
    {
        var declared = typeof(HostProviderFactory).Assembly.GetCustomAttributes(typeof(BatonProviderAttribute), false).Cast<BatonProviderAttribute>();
        Assert.Contains(declared, a => a.FactoryType == typeof(HostProviderFactory));
    }
}
