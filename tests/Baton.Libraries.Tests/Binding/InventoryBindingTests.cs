using System.Globalization;
using Baton.Binding;
using Baton.Diagnostics;
using Baton.Spec;
using Baton.Values;
using CsCheck;
using static Baton.Libraries.Tests.Language.Spec.StackText;

namespace Baton.Libraries.Tests.Binding;

public sealed class InventoryBindingTests
{
    private const string Fleet = """
        variables:
          key: { type: string, sensitive: true, default: "-----BEGIN OPENSSH PRIVATE KEY-----" }
          app_port: { type: int, default: 2203 }
        hosts:
          web:
            addresses: ["127.0.0.1:2202", { name: web2, address: "[::1]:2210", vars: { weight: 2 } }]
            user: deploy
            private_key: ${var.key}
            known_hosts: known_hosts
            become: true
            vars: { role: web, weight: 1 }
          app:
            addresses: ["127.0.0.1:${var.app_port}", "db.internal"]
            port: 2222
          edge:
            addresses: [{ name: web2, address: "[::1]:2210", user: deploy }]
            vars: { edge: true }
        resources:
          conf:
            type: host.file
            hosts: web
            properties: { path: /etc/app.conf, content: "${host.name} ${host.vars.role} ${host.vars.weight}" }
          everywhere:
            type: host.package
            hosts: all
            properties: { name: curl }
          two:
            type: host.directory
            hosts: [app, web2]
            properties: { path: "/srv/${host.group}" }
        """;

    private static List<string> Addresses(BoundStack stack) => [.. stack.Graph.Nodes.Select(n => n.Address.ToString())];

    [Fact]
    public void Bind_HostGroups_ReadEveryAddressForm()
    {
        var (stack, diagnostics) = Bind(Fleet);

        AssertClean(diagnostics);
        var hosts = stack.Inventory.Hosts;
        Assert.Equal(["127.0.0.1:2202", "web2", "127.0.0.1:2203", "db.internal"], hosts.Select(h => h.Name));
        var first = hosts[0];
        Assert.Equal(("127.0.0.1", 2202, "deploy", true, "known_hosts"), (first.Address, first.Port, first.User, first.Become, first.KnownHostsFile));
        Assert.True(first.PrivateKey!.IsSensitive);
        var web2 = stack.Inventory.Find("web2")!;
        Assert.Equal(("::1", 2210), (web2.Address, web2.Port));
        Assert.Equal(["web", "edge"], web2.Groups.AsEnumerable());
        Assert.Equal(Value.Number(2), web2.Vars.AsMap()["weight"]);
        Assert.Equal(Value.True, web2.Vars.AsMap()["edge"]);
        Assert.Equal(Value.String("web"), web2.Vars.AsMap()["role"]);
        var app = stack.Inventory.Find("db.internal")!;
        Assert.Equal(("db.internal", 2222, "root", false), (app.Address, app.Port, app.User, app.Become));
        Assert.Equal(2203, stack.Inventory.Find("127.0.0.1:2203")!.Port);
    }

    [Fact]
    public void Bind_ResourceOnHosts_MakesOneInstancePerHostKeyedByName()
    {
        var (stack, diagnostics) = Bind(Fleet);

        AssertClean(diagnostics);
        Assert.Equal(
            [
                "conf[\"127.0.0.1:2202\"]", "conf[\"web2\"]",
                "everywhere[\"127.0.0.1:2202\"]", "everywhere[\"web2\"]", "everywhere[\"127.0.0.1:2203\"]", "everywhere[\"db.internal\"]",
                "two[\"127.0.0.1:2203\"]", "two[\"db.internal\"]", "two[\"web2\"]",
            ],
            Addresses(stack));
        var conf = stack.Graph.Nodes.Single(n => n.Address.ToString() == "conf[\"web2\"]");
        var host = conf.EachValue!.AsMap();
        Assert.Equal(Value.String("web2"), host["name"]);
        Assert.Equal(Value.String("::1"), host["address"]);
        Assert.Equal(Value.Number(2210), host["port"]);
        Assert.DoesNotContain("private_key", host.Keys);
    }

    [Fact]
    public void ProviderSetting_CarriesTheConnectionWithTheKeySensitive()
    {
        var (stack, diagnostics) = Bind(Fleet);

        AssertClean(diagnostics);
        var setting = stack.Inventory.ToProviderSetting().AsMap();
        var web = setting["127.0.0.1:2202"].AsMap();
        Assert.Equal(Value.String("127.0.0.1"), web["address"]);
        Assert.Equal(Value.Number(2202), web["port"]);
        Assert.Equal(Value.String("deploy"), web["user"]);
        Assert.Equal(Value.True, web["become"]);
        Assert.Equal(Value.String("known_hosts"), web["known_hosts_file"]);
        Assert.True(web["private_key"].IsSensitive);
        Assert.DoesNotContain("private_key", setting["db.internal"].AsMap().Keys);
    }

    [Theory]
    [InlineData("hosts:\n  all:\n    addresses: [a]\n", DiagnosticCodes.InvalidHost, "the host group \"all\" is Baton's own: it means every host of the inventory")]
    [InlineData("hosts:\n  web:\n    addresses: [\"a:0\"]\n", DiagnosticCodes.InvalidHost, "\"a:0\" is not a host address: write host, host:port or [ipv6]:port (a port from 1 to 65535)")]
    [InlineData("hosts:\n  web:\n    addresses: [\"a:70000\"]\n", DiagnosticCodes.InvalidHost, "\"a:70000\" is not a host address: write host, host:port or [ipv6]:port (a port from 1 to 65535)")]
    [InlineData("hosts:\n  web:\n    addresses: [\"root@a\"]\n", DiagnosticCodes.InvalidHost, "\"root@a\" is not a host address: write host, host:port or [ipv6]:port (a port from 1 to 65535)")]
    [InlineData("hosts:\n  web:\n    addresses: [a, a]\n", DiagnosticCodes.InvalidHost, "host group \"web\" lists the host \"a\" twice")]
    [InlineData("hosts:\n  web:\n    addresses: [\"a:22\"]\n    port: ${-1}\n", DiagnosticCodes.InvalidHost, "the port of host group \"web\" must be a whole number from 1 to 65535, not -1")]
    [InlineData("hosts:\n  web:\n    addresses: [{ address: \"a:22\", port: 23 }]\n", DiagnosticCodes.InvalidHost, "a host of group \"web\" gives port 23 and the address \"a:22\" port 22")]
    [InlineData("hosts:\n  web:\n    addresses: [{ name: h, address: a }]\n  db:\n    addresses: [{ name: h, address: b }]\n", DiagnosticCodes.InvalidHost, "the host \"h\" is root@b:22 in group \"db\" but root@a:22 in group \"web\"")]
    [InlineData("hosts:\n  web:\n    addresses: [a]\nresources:\n  r:\n    type: host.file\n    hosts: wbe\n", DiagnosticCodes.UnknownHost, "resource \"r\" runs on hosts \"wbe\", which is no host group and no host of hosts:")]
    [InlineData("hosts:\n  web:\n    addresses: [a]\nresources:\n  r:\n    type: host.file\n    hosts: web\n    count: 2\n", DiagnosticCodes.CountAndForEach, "resource \"r\" has both hosts and count")]
    [InlineData("resources:\n  r:\n    type: host.file\n    properties: { p: \"${host.name}\" }\n", DiagnosticCodes.UnknownResource, "unknown resource \"host\"")]
    [InlineData("hosts:\n  web:\n    addresses: [a]\nresources:\n  r:\n    type: host.file\n    hosts: web\n    properties: { p: \"${host.nmae}\" }\n", DiagnosticCodes.ReferenceNotAvailable, "host has no attribute \"nmae\"; it has name, address, port, user, group, groups, vars, facts")]
    [InlineData("resources:\n  x:\n    type: a.b\nhosts:\n  web:\n    addresses: [\"${x.id}\"]\n", DiagnosticCodes.ReferenceNotAvailable, "host group \"web\" cannot reference resource \"x\": the hosts are known before a plan, so a host group can use only variables")]
    [InlineData("hosts:\n  web:\n    addresses: [a]\n    serial: 0\n", DiagnosticCodes.InvalidHost, "serial of host group \"web\" must be a whole number of hosts (at least 1) or a percentage such as \"25%\" (1% to 100%), not 0")]
    [InlineData("hosts:\n  web:\n    addresses: [a]\n    serial: 1.5\n", DiagnosticCodes.InvalidHost, "serial of host group \"web\" must be a whole number of hosts (at least 1) or a percentage such as \"25%\" (1% to 100%), not 1.5")]
    [InlineData("hosts:\n  web:\n    addresses: [a]\n    serial: \"150%\"\n", DiagnosticCodes.InvalidHost, "serial of host group \"web\" must be a whole number of hosts (at least 1) or a percentage such as \"25%\" (1% to 100%), not \"150%\"")]
    [InlineData("hosts:\n  web:\n    addresses: [a]\n    serial: half\n", DiagnosticCodes.InvalidHost, "serial of host group \"web\" must be a whole number of hosts (at least 1) or a percentage such as \"25%\" (1% to 100%), not \"half\"")]
    [InlineData("hosts:\n  web:\n    addresses: [a]\n    max_fail_percentage: 101\n", DiagnosticCodes.InvalidHost, "max_fail_percentage of host group \"web\" must be a number from 0 to 100, not 101")]
    public void Bind_BadInventory_IsADiagnostic(string yaml, string code, string message)
    {
        var (_, diagnostics) = Bind(yaml);

        var diagnostic = Single(diagnostics);
        Assert.Equal(code, diagnostic.Code);
        Assert.Equal(message, diagnostic.Message);
        Assert.NotNull(diagnostic.Span);
    }

    [Theory]
    [InlineData("2", 2, null, null, 10, 2)]
    [InlineData("\"25%\"", null, 25, null, 10, 2)]
    [InlineData("\"1%\"", null, 1, null, 10, 1)]
    [InlineData("\"100%\"", null, 100, null, 3, 3)]
    [InlineData("50", 50, null, null, 3, 3)]
    public void Bind_Serial_ReadsACountOrAPercentage(string written, int? count, int? percent, double? budget, int hosts, int batch)
    {
        var (stack, diagnostics) = Bind($"hosts:\n  web:\n    addresses: [a]\n    serial: {written}\n  db:\n    addresses: [b]\n");

        AssertClean(diagnostics);
        var rollout = stack.Inventory.Rollouts["web"];
        Assert.Equal((count, percent, budget), (rollout.SerialCount, rollout.SerialPercent, rollout.MaxFailPercentage));
        Assert.Equal(batch, rollout.BatchSize(hosts));
        Assert.Equal("web", Assert.Single(stack.Inventory.RolloutOrder));
        Assert.Equal("web", stack.Inventory.RolloutGroupOf("a"));
        Assert.Null(stack.Inventory.RolloutGroupOf("b"));
    }

    [Fact]
    public void Rollout_Budget_IsSpentOnlyBeyondThePercentage()
    {
        var rollout = new HostRollout { MaxFailPercentage = 25 };

        Assert.False(rollout.BudgetSpent(1, 4));
        Assert.True(rollout.BudgetSpent(2, 4));
        Assert.True(new HostRollout { MaxFailPercentage = 0 }.BudgetSpent(1, 100));
        Assert.False(new HostRollout().BudgetSpent(100, 100));
        Assert.Equal(4, rollout.BatchSize(4));
    }

    [Fact]
    public void Bind_UnknownGroup_SuggestsTheNearestName()
    {
        var (_, diagnostics) = Bind("hosts:\n  web:\n    addresses: [a]\nresources:\n  r:\n    type: host.file\n    hosts: wbe\n");

        var diagnostic = Single(diagnostics);
        Assert.Equal(At(7, 12), diagnostic.Span!.Start);
        Assert.Contains("web", diagnostic.Help, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_GroupSettingOfAnUnknownVariable_SaysSo()
    {
        var (_, diagnostics) = Bind("variables:\n  addrs: { type: list(string) }\nhosts:\n  web:\n    addresses: ${var.addrs}\n");

        Assert.Contains(diagnostics, d => d.Code is DiagnosticCodes.InvalidHost or DiagnosticCodes.MissingVariable);
    }

    [Fact]
    public void Bind_KeyFromAVariableWithNoValueYet_StillListsTheHosts()
    {
        var (stack, diagnostics) = Bind("variables:\n  key: { type: string, sensitive: true }\nhosts:\n  web:\n    addresses: [a, b]\n    private_key: ${var.key}\n    user: deploy\n");

        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.InvalidHost);
        Assert.Equal(["a", "b"], stack.Inventory.Hosts.Select(h => h.Name));
        Assert.Equal("deploy", stack.Inventory.Hosts[0].User);
        Assert.Null(stack.Inventory.Hosts[0].PrivateKey);
    }

    [Fact]
    public void Bind_AddressesFromAVariable_AreHosts()
    {
        var inputs = new[] { VariableInputs.FromAssignment("addrs=[\"10.0.0.1\", \"10.0.0.2:2200\"]", new DiagnosticBag())! };
        var (stack, diagnostics) = Bind("variables:\n  addrs: { type: list(string) }\nhosts:\n  web:\n    addresses: ${var.addrs}\nresources:\n  r:\n    type: host.file\n    hosts: web\n", inputs);

        AssertClean(diagnostics);
        Assert.Equal(["r[\"10.0.0.1\"]", "r[\"10.0.0.2:2200\"]"], Addresses(stack));
    }

    [Fact]
    public void Bind_EmptyGroup_MakesNoInstances()
    {
        var (stack, diagnostics) = Bind("hosts:\n  web:\n    addresses: []\nresources:\n  r:\n    type: host.file\n    hosts: web\n");

        AssertClean(diagnostics);
        Assert.Equal(0, stack.Graph.NodeCount);
    }

    [Fact]
    public void TryParseAddress_HostAndPort_RoundTrip()
    {
        var names = Gen.String[Gen.Char['a', 'z'], 1, 12];
        var ipv6 = Gen.Int[0, 65535].Array[2, 8].Select(parts => string.Join(':', parts.Select(p => p.ToString("x", CultureInfo.InvariantCulture))));
        Gen.Select(Gen.OneOf(names, ipv6.Select(v => v.Contains(':', StringComparison.Ordinal) ? v : v + "::1")), Gen.Int[0, 65535]).Sample((host, number) =>
        {
            int? port = number == 0 ? null : number;
            var bracketed = host.Contains(':', StringComparison.Ordinal);
            var text = port is null
                ? host
                : (bracketed ? "[" + host + "]" : host) + ":" + port.Value.ToString(CultureInfo.InvariantCulture);
            Assert.True(InventoryBinder.TryParseAddress(text, out var parsedHost, out var parsedPort), text);
            Assert.Equal((host, port), (parsedHost, parsedPort));
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a:")]
    [InlineData("a:x")]
    [InlineData("[::1")]
    [InlineData("[]:22")]
    [InlineData("[::1]22")]
    [InlineData("a/b")]
    public void TryParseAddress_Malformed_IsRefused(string text) =>
        Assert.False(InventoryBinder.TryParseAddress(text, out _, out _));
}
