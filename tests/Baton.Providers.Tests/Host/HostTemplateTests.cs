using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary><c>host.template</c> on real hosts: rendered at plan with the vars and the host, written as host.file writes, drift, errors with positions.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostTemplateTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private const string Type = "host.template";
    private readonly string _token = Guid.NewGuid().ToString("N")[..8];
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[0];

    private IProvider Provider => _provider!;

    private string Directory => "/tmp/baton-template-" + _token;

    private string Templates => "templates-" + _token;

    public async Task InitializeAsync()
    {
        _provider = await HostProviders.StartAsync(Fleet);
        await Fleet.SideAsync(Host, "mkdir", "-p", Directory);
        System.IO.Directory.CreateDirectory(Path.Combine(Fleet.Directory, Templates));
    }

    public async Task DisposeAsync()
    {
        await Fleet.ExecAsync(Host, "rm", "-rf", Directory);
        System.IO.Directory.Delete(Path.Combine(Fleet.Directory, Templates), recursive: true);
        await Provider.DisposeAsync();
    }

    private string Template(string name, string text)
    {
        System.IO.File.WriteAllText(Path.Combine(Fleet.Directory, Templates, name), text);
        return $"{Templates}/{name}";
    }

    private Value Inputs(string source, Value vars, params (string Key, object? Value)[] more) =>
        V.Map([("host", Host.Name), ("path", $"{Directory}/motd"), ("source", source), ("vars", vars), .. more]);

    [Fact]
    public async Task Create_RendersVarsAndTheHost_KnownAtPlan_AndDriftIsCorrected()
    {
        var source = Template("motd.tpl", "Welcome to ${host.name} (${host.address}:${host.port}), ${host.user} of ${host.group}\nrole: ${host.vars.role}\nservers: ${join(\", \", servers)}\n");
        var inputs = Inputs(source, V.Map(("servers", Value.List(Value.String("a"), Value.String("b")))), ("mode", "0640"));
        var expected = $"Welcome to {Host.Name} ({Host.Address}:{Host.Port}), root of web\nrole: frontend\nservers: a, b\n";

        var plan = await Provider.PlanAsync(Type, inputs, null, null);
        Assert.Empty(plan.Diagnostics);
        Assert.Equal(Value.String(expected), plan.PlannedAttributes.AsMap()["content"]);
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal(expected, await Fleet.ReadFileAsync(Host, $"{Directory}/motd"));
        Assert.Equal("640\n", await Fleet.SideAsync(Host, "stat", "-c", "%a", $"{Directory}/motd"));
        Assert.Equal($"{Host.Name}:template:{Directory}/motd", created.Id);
        Assert.Equal(plan.PlannedAttributes.AsMap()["sha256"], created.Attributes!.AsMap()["sha256"]);

        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);
        Assert.Empty(HostProviders.Differences((await Provider.PlanAsync(Type, inputs, inputs, read.Attributes)).PlannedAttributes, read.Attributes!));

        await Fleet.WriteFileAsync(Host, $"{Directory}/motd", "edited by hand\n", (UnixFileMode)Convert.ToInt32("640", 8));
        var edited = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(Value.String("edited by hand\n"), edited.Attributes!.AsMap()["content"]);
        var drift = await Provider.PlanAsync(Type, inputs, inputs, edited.Attributes);
        Assert.Equal(["content", "sha256", "size"], HostProviders.Differences(drift.PlannedAttributes, edited.Attributes!));

        var changed = Inputs(source, V.Map(("servers", Value.List(Value.String("c")))), ("mode", "0640"));
        var updated = await Provider.UpdateAsync(Type, created, inputs, changed);
        Assert.Equal(expected.Replace("a, b", "c", StringComparison.Ordinal), await Fleet.ReadFileAsync(Host, $"{Directory}/motd"));
        Assert.Equal(Value.String(expected.Replace("a, b", "c", StringComparison.Ordinal)), updated.Attributes!.AsMap()["content"]);

        await Provider.DeleteAsync(Type, updated);
        Assert.Null(await Fleet.ReadFileAsync(Host, $"{Directory}/motd"));
        Assert.False((await Provider.ReadAsync(Type, created.Id!, changed, updated.Attributes)).Exists);
    }

    [Fact]
    public async Task TemplateError_IsAPlanDiagnosticNamingFileLineAndColumn_AndApplyRefuses()
    {
        var source = Template("broken.tpl", "first line\nvalue = ${missing}\n");
        var inputs = Inputs(source, V.Map(("name", "web")));
        var plan = await Provider.PlanAsync(Type, inputs, null, null);
        var diagnostic = Assert.Single(plan.Diagnostics);
        Assert.Equal("BT5903", diagnostic.Code);
        Assert.StartsWith($"{source}:2:11", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("missing", diagnostic.Message, StringComparison.Ordinal);

        var result = await Provider.TryCreateAsync(Type, inputs, "host.template.broken");
        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains($"host.template.broken: {source}:2:11", result.Error!.Message, StringComparison.Ordinal);
        Assert.Null(await Fleet.ReadFileAsync(Host, $"{Directory}/motd"));
    }

    [Fact]
    public async Task SensitiveVar_MakesTheContentSensitive_PlannedAndReadBack()
    {
        var source = Template("secret.tpl", "password=${password}\n");
        var inputs = Inputs(source, Value.Map([new("password", Value.String("hunter2").AsSensitive())]));
        var plan = await Provider.PlanAsync(Type, inputs, null, null);
        Assert.True(plan.PlannedAttributes.AsMap()["content"].IsSensitive);
        Assert.True(plan.PlannedAttributes.AsMap()["sha256"].IsSensitive);
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal("password=hunter2\n", await Fleet.ReadFileAsync(Host, $"{Directory}/motd"));

        await Fleet.WriteFileAsync(Host, $"{Directory}/motd", "password=changed\n");
        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(Value.String("password=changed\n"), read.Attributes!.AsMap()["content"]);
        Assert.True(read.Attributes!.AsMap()["content"].IsSensitive);
        Assert.True(read.Attributes!.AsMap()["sha256"].IsSensitive);
    }

    [Fact]
    public async Task AVarNamedHost_IsRefused()
    {
        var inputs = Inputs(Template("x.tpl", "x"), V.Map(("host", "mine")));
        var validation = await Provider.ValidateAsync(new ValidateRequest(Type, "host.template.x", inputs), CancellationToken.None);
        Assert.Contains(validation.Diagnostics, d => d.Message.StartsWith("vars: \"host\" cannot be a var", StringComparison.Ordinal));
    }
}
