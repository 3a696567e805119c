using Baton.Providers.Host;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary>
/// <c>host.facts</c>: on a real host, the facts match what the host's own commands say, in one command (and one
/// connection) however often they are asked for in a run; and the parsing of the script's output, for other systems.
/// </summary>
[Collection(SshHostCollection.Name)]
public sealed class HostFactsTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private IProvider Provider => _provider!;

    public async Task InitializeAsync() => _provider = await HostProviders.StartAsync(Fleet);

    public async Task DisposeAsync() => await Provider.DisposeAsync();

    private static Value At(Value map, params string[] path) => path.Aggregate(map, (value, key) => value.AsMap()[key]);

    [Fact]
    public async Task Facts_OnARealHost_AreWhatItsOwnCommandsSay()
    {
        var host = Fleet.Hosts[1];
        var result = await Provider.InvokeAsync("host.facts", V.Map(("host", host.Name)));
        Assert.Null(result.Error);
        var facts = result.Outputs!.AsMap()["facts"];

        var own = (await Fleet.ExecAsync(host, "sh", "-c", ". /etc/os-release; echo \"$VERSION_ID|$(uname -m)|$(uname -r)|$(hostname)|$(getconf _NPROCESSORS_ONLN)|$(hostname -I)\"")).Stdout.Trim().Split('|');
        Assert.Equal("debian", At(facts, "os", "family").AsString());
        Assert.Equal("debian", At(facts, "os", "id").AsString());
        Assert.Equal("bookworm", At(facts, "os", "codename").AsString());
        Assert.Equal(own[0], At(facts, "os", "version").AsString());
        Assert.Equal(own[1], At(facts, "arch").AsString());
        Assert.Equal(own[2], At(facts, "os", "kernel").AsString());
        Assert.Equal(own[3], At(facts, "hostname").AsString());
        Assert.Equal(double.Parse(own[4], System.Globalization.CultureInfo.InvariantCulture), At(facts, "cpus").AsNumber());
        Assert.Equal("sysv", At(facts, "init").AsString());
        Assert.Equal("apt", At(facts, "package_manager").AsString());
        Assert.True(At(facts, "memory_mb").AsNumber() > 0);
        var addresses = At(facts, "addresses").AsList().Select(a => a.AsString()).ToList();
        Assert.NotEmpty(addresses);
        Assert.All(own[5].Split(' ', StringSplitOptions.RemoveEmptyEntries), a => Assert.Contains(a, addresses));
        Assert.DoesNotContain(addresses, a => a.StartsWith("127.", StringComparison.Ordinal) || a == "::1");
    }

    [Fact]
    public async Task Facts_AskedManyTimesInARun_CostOneConnectionAndAreTheSame()
    {
        var host = Fleet.Hosts[2];
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Provider.InvokeAsync("host.facts", V.Map(("host", host.Name)))));
        Assert.All(answers, a => Assert.Null(a.Error));
        Assert.All(answers, a => Assert.Equal(answers[0].Outputs, a.Outputs));
        Assert.Equal(1, HostProviders.Connection(Provider, host.Name).Opened);
    }

    [Fact]
    public async Task Facts_OfAHostNotInTheInventory_AreAnErrorNamingIt()
    {
        var result = await Provider.InvokeAsync("host.facts", V.Map(("host", "nowhere")));
        Assert.NotNull(result.Error);
        Assert.Contains("host \"nowhere\" is not in the inventory", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OtherSystems_NamesTheirFamilyAndLeavesMissingFactsNull()
    {
        var rocky = HostFacts.Parse("os_id rocky\nos_like rhel centos fedora\nos_version 9.3\narch aarch64\ncpus 4\nmemory_kb 2048000\ninit systemd\npackage_manager dnf\naddresses 10.0.0.5 \naddresses6 fe800000000000000000000000000001 20010db8000000000000000000000001\n");
        Assert.Equal("rhel", At(rocky, "os", "family").AsString());
        Assert.Equal("9.3", At(rocky, "os", "version").AsString());
        Assert.Equal(Value.Null, At(rocky, "os", "codename"));
        Assert.Equal(2000, At(rocky, "memory_mb").AsNumber());
        Assert.Equal("dnf", At(rocky, "package_manager").AsString());
        Assert.Equal(["10.0.0.5", "2001:db8::1"], At(rocky, "addresses").AsList().Select(a => a.AsString()));

        var bare = HostFacts.Parse("os_id \ninit sysv\n");
        Assert.Equal(Value.Null, At(bare, "os", "family"));
        Assert.Equal(Value.Null, At(bare, "cpus"));
        Assert.Equal(Value.Null, At(bare, "package_manager"));
        Assert.Empty(At(bare, "addresses").AsList());

        Assert.Equal("debian", HostFacts.Family("ubuntu", "debian"));
        Assert.Equal("suse", HostFacts.Family("opensuse-leap", "suse opensuse"));
        Assert.Equal("alpine", HostFacts.Family("alpine", null));
        Assert.Equal("nixos", HostFacts.Family("nixos", null));
    }
}
