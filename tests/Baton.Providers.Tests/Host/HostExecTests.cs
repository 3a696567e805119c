using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary><c>host.exec</c> on real hosts: runs on create and on changed inputs, guards decide, read says whether it would run.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostExecTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private const string Type = "host.exec";
    private readonly string _base = "/tmp/baton-exec-" + Guid.NewGuid().ToString("N")[..8];
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[0];

    private IProvider Provider => _provider!;

    public async Task InitializeAsync()
    {
        _provider = await HostProviders.StartAsync(Fleet);
        await Fleet.SideAsync(Host, "mkdir", "-p", _base);
    }

    public async Task DisposeAsync()
    {
        await Fleet.ExecAsync(Host, "rm", "-rf", _base);
        await Provider.DisposeAsync();
    }

    private static Value List(params string[] items) => Value.List(items.Select(Value.String));

    private async Task<int> RunsAsync() =>
        (await Fleet.ReadFileAsync(Host, _base + "/runs") ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    [Fact]
    public async Task Creates_GuardSkipsOnceThePathExists_AndADeletedPathMakesThePlanRunItAgain()
    {
        var marker = _base + "/done";
        var inputs = V.Map(
            ("host", Host.Name),
            ("command", List("sh", "-c", "echo \"$GREETING from $(pwd)\" >> runs; touch done", "sh")),
            ("creates", marker), ("cwd", _base), ("environment", V.Map(("GREETING", "hi 'you'"))));
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal($"hi 'you' from {_base}\n", await Fleet.ReadFileAsync(Host, _base + "/runs"));
        Assert.Equal(Value.True, created.Attributes!.AsMap()["ran"]);
        Assert.Equal(Value.Number(0), created.Attributes!.AsMap()["exit_code"]);

        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(Value.False, read.Attributes!.AsMap()["pending"]);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));

        await Fleet.SideAsync(Host, "rm", marker);
        read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(Value.True, read.Attributes!.AsMap()["pending"]);
        Assert.Contains("pending", HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));
        await Provider.UpdateAsync(Type, created, inputs, inputs);
        Assert.Equal(2, await RunsAsync());

        // The guard holds again: an update (say, of the environment) skips the command.
        var changed = V.Map(("host", Host.Name), ("command", inputs.AsMap()["command"]), ("creates", marker), ("cwd", _base));
        var skipped = await Provider.UpdateAsync(Type, created, inputs, changed);
        Assert.Equal(Value.False, skipped.Attributes!.AsMap()["ran"]);
        Assert.Equal(2, await RunsAsync());
    }

    [Fact]
    public async Task OnlyIfAndNotIf_DecideByExitStatus()
    {
        var flag = _base + "/flag";
        var onlyIf = V.Map(("host", Host.Name), ("command", List("sh", "-c", $"echo only_if >> {_base}/runs")), ("only_if", List("test", "-e", flag)));
        var skipped = await Provider.CreateAsync(Type, onlyIf, "host.exec.only");
        Assert.Equal(Value.False, skipped.Attributes!.AsMap()["ran"]);
        Assert.Equal(0, await RunsAsync());

        await Fleet.WriteFileAsync(Host, flag, "x");
        var read = await Provider.ReadAsync(Type, skipped.Id!, onlyIf, skipped.Attributes, "host.exec.only");
        Assert.Equal(Value.True, read.Attributes!.AsMap()["pending"]);

        var notIf = V.Map(("host", Host.Name), ("command", List("sh", "-c", $"echo not_if >> {_base}/runs")), ("not_if", List("test", "-e", flag)));
        var notRun = await Provider.CreateAsync(Type, notIf, "host.exec.not");
        Assert.Equal(Value.False, notRun.Attributes!.AsMap()["ran"]);
        Assert.Equal(0, await RunsAsync());
        var ran = await Provider.CreateAsync(Type, onlyIf, "host.exec.only");
        Assert.Equal(Value.True, ran.Attributes!.AsMap()["ran"]);
        Assert.Equal(1, await RunsAsync());
    }

    [Fact]
    public async Task WithoutGuards_RunsOnCreateAndOnChangedInputsOnly_AndAFailureNamesStatusAndStderr()
    {
        var inputs = V.Map(("host", Host.Name), ("command", List("sh", "-c", $"echo v1 >> {_base}/runs; echo out")));
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal(Value.String("out\n"), created.Attributes!.AsMap()["stdout"]);
        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));

        var changed = V.Map(("host", Host.Name), ("command", List("sh", "-c", $"echo v2 >> {_base}/runs")));
        var plan = await Provider.PlanAsync(Type, changed, inputs, read.Attributes);
        Assert.Empty(plan.RequiresReplace);
        await Provider.UpdateAsync(Type, created, inputs, changed);
        Assert.Equal("v1\nv2\n", await Fleet.ReadFileAsync(Host, _base + "/runs"));

        var failing = V.Map(("host", Host.Name), ("command", List("sh", "-c", "echo 'it broke' >&2; exit 7")));
        var failed = await Provider.TryCreateAsync(Type, failing, "host.exec.broken");
        Assert.Equal(ProviderErrorKind.Permanent, failed.Error!.Kind);
        Assert.Equal($"host.exec.broken: on host {Host.Name} (root@{Host.Address}:{Host.Port}): the command `sh -c echo 'it broke' >&2; exit 7` failed with exit status 7: it broke", failed.Error.Message);
    }
}
