using System.Text.Json;

namespace Baton.Cli.Tests;

public sealed class HostsCommandTests
{
    private const string Stack = """
        variables:
          key: { type: string, sensitive: true, default: "not a real key" }
        hosts:
          web:
            addresses: ["127.0.0.1:2202", { name: web2, address: "[::1]:2210", vars: { weight: 2 } }]
            user: deploy
            private_key: ${var.key}
            become: true
            vars: { secret: "${var.key}" }
          db:
            addresses: [db.internal]
        """;

    [Fact]
    public void Hosts_ListsEveryHostWithGroupsAddressUserAndBecome()
    {
        using var stack = new CliStack("hosts", Stack);

        var result = stack.Run("hosts", "--offline");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("HOST            GROUPS  ADDRESS         USER    BECOME", lines[0]);
        Assert.Equal("127.0.0.1:2202  web     127.0.0.1:2202  deploy  sudo", lines[1]);
        Assert.Equal("web2            web     [::1]:2210      deploy  sudo", lines[2]);
        Assert.Equal("db.internal     db      db.internal:22  root    -", lines[3]);
        Assert.Equal("3 hosts in 2 groups.", lines[4]);
        Assert.DoesNotContain("not a real key", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void HostsJson_NeverShowsTheKeyOrSensitiveVars()
    {
        using var stack = new CliStack("hosts", Stack);

        var result = stack.Run("hosts", "--json", "--offline");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("not a real key", result.Out, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(result.Out);
        var web2 = document.RootElement[1];
        Assert.Equal("web2", web2.GetProperty("name").GetString());
        Assert.Equal("::1", web2.GetProperty("address").GetString());
        Assert.Equal(2210, web2.GetProperty("port").GetInt32());
        Assert.True(web2.GetProperty("private_key").GetBoolean());
        Assert.Equal(2, web2.GetProperty("vars").GetProperty("weight").GetInt32());
        Assert.Equal("(sensitive)", web2.GetProperty("vars").GetProperty("secret").GetString());
        Assert.False(document.RootElement[2].GetProperty("private_key").GetBoolean());
    }

    [Fact]
    public void Hosts_Connecting_WithAKeyThatIsNoKey_IsAProviderErrorThatNeverShowsIt()
    {
        using var stack = new CliStack("hosts", Stack);

        var result = stack.Run("hosts");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BT5031", result.Error + result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("not a real key", result.Error + result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("REACHABLE", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Hosts_BadAddress_IsALocatedErrorAndExitsOne()
    {
        using var stack = new CliStack("hosts", "hosts:\n  web:\n    addresses: [\"a:99999\"]\n");

        var result = stack.Run("hosts");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BT3010", result.Error + result.Out, StringComparison.Ordinal);
        Assert.Contains("baton.yaml:3:18", result.Error + result.Out, StringComparison.Ordinal);
    }
}
