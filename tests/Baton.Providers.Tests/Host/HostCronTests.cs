using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary><c>host.cron</c> on real hosts: the exact file in /etc/cron.d, a parse of it back, drift, schedule validation.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostCronTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private const string Type = "host.cron";
    private readonly string _name = "baton-test-" + Guid.NewGuid().ToString("N")[..8];
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[0];

    private IProvider Provider => _provider!;

    private string Path => "/etc/cron.d/" + _name;

    public async Task InitializeAsync() => _provider = await HostProviders.StartAsync(Fleet);

    public async Task DisposeAsync()
    {
        await Fleet.ExecAsync(Host, "rm", "-f", Path);
        await Provider.DisposeAsync();
    }

    private Value Inputs(string schedule, params (string Key, object? Value)[] more) =>
        V.Map([("host", Host.Name), ("name", _name), ("schedule", schedule), ("command", "/usr/local/bin/backup --to /srv/backup > /dev/null 2>&1"), .. more]);

    [Fact]
    public async Task Create_WritesTheExactFile_ReadParsesItBack_AndAHandEditIsDrift()
    {
        var inputs = Inputs("30  2 * * 1-5", ("user", "deploy"), ("environment", V.Map(("PATH", "/usr/bin:/bin"), ("MAILTO", ""))));
        var plan = await Provider.PlanAsync(Type, inputs, null, null);
        Assert.Equal(Value.String("30 2 * * 1-5"), plan.PlannedAttributes.AsMap()["schedule"]);
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal(
            $"# Managed by Baton (host.cron {_name}): edits here are undone by the next apply.\nMAILTO=\nPATH=/usr/bin:/bin\n30 2 * * 1-5 deploy /usr/local/bin/backup --to /srv/backup > /dev/null 2>&1\n",
            await Fleet.ReadFileAsync(Host, Path));
        Assert.Equal("644 root root\n", await Fleet.SideAsync(Host, "stat", "-c", "%a %U %G", Path));
        Assert.Equal($"{Host.Name}:cron:{_name}", created.Id);
        Assert.Equal(plan.PlannedAttributes.AsMap()["sha256"], created.Attributes!.AsMap()["sha256"]);
        Assert.Equal(Value.String(Path), created.Attributes!.AsMap()["path"]);

        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));

        await Fleet.SideAsync(Host, "sed", "-i", "s/^30 2 /0 4 /; s/^PATH=.*/PATH=\\/opt\\/bin/", Path);
        var edited = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(Value.String("0 4 * * 1-5"), edited.Attributes!.AsMap()["schedule"]);
        Assert.Equal(["environment", "schedule", "sha256"], HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, edited.Attributes)).PlannedAttributes, edited.Attributes!));

        var daily = Inputs("@daily");
        var updated = await Provider.UpdateAsync(Type, created, inputs, daily);
        Assert.Equal($"# Managed by Baton (host.cron {_name}): edits here are undone by the next apply.\n@daily root /usr/local/bin/backup --to /srv/backup > /dev/null 2>&1\n", await Fleet.ReadFileAsync(Host, Path));
        var reread = await Provider.ReadAsync(Type, created.Id!, daily, updated.Attributes);
        Assert.Equal(updated.Attributes, reread.Attributes);

        await Provider.DeleteAsync(Type, updated);
        Assert.Null(await Fleet.ReadFileAsync(Host, Path));
        Assert.False((await Provider.ReadAsync(Type, created.Id!, daily, updated.Attributes)).Exists);
    }

    [Theory]
    [InlineData("61 * * * *", "minute \"61\"")]
    [InlineData("* * *", "expected five fields")]
    [InlineData("@sometimes", "\"@sometimes\" is not one of")]
    [InlineData("* * * foo *", "month \"foo\"")]
    [InlineData("*/0 * * * *", "the step of \"*/0\"")]
    [InlineData("* * 0 * *", "day of month \"0\"")]
    public async Task BadSchedules_AreValidationErrors(string schedule, string expected)
    {
        var validation = await Provider.ValidateAsync(new ValidateRequest(Type, "host.cron.x", Inputs(schedule)), CancellationToken.None);
        var diagnostic = Assert.Single(validation.Diagnostics);
        Assert.StartsWith("schedule: ", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(expected, diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*/5 1-3,5 * jan-mar mon-fri")]
    [InlineData("@reboot")]
    [InlineData("0 0 1 */2 7")]
    public async Task GoodSchedules_Validate(string schedule)
    {
        var validation = await Provider.ValidateAsync(new ValidateRequest(Type, "host.cron.x", Inputs(schedule)), CancellationToken.None);
        Assert.Empty(validation.Diagnostics);
    }

    [Fact]
    public async Task AFileNameCronSkips_IsRefused()
    {
        var validation = await Provider.ValidateAsync(new ValidateRequest(Type, "host.cron.x", V.Map(("host", Host.Name), ("name", "backup.sh"), ("schedule", "@daily"), ("command", "true"))), CancellationToken.None);
        Assert.Contains(validation.Diagnostics, d => d.Message.StartsWith("name: expected letters, digits, _ and - only", StringComparison.Ordinal));
    }
}
