using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary><c>host.file</c> on real hosts: create, a no-op refresh, drift after hand edits, update, delete, become.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostFileTests(SshHostsFixture fixture) : IAsyncLifetime
{
    private const string Type = "host.file";
    private readonly string _directory = "/tmp/baton-file-" + Guid.NewGuid().ToString("N")[..8];
    private IProvider? _provider;

    private SshHostFleet Fleet => fixture.Fleet;

    private SshHost Host => Fleet.Hosts[0];

    private IProvider Provider => _provider!;

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

    private Value Inputs(string name, string content, params (string Key, object? Value)[] more) =>
        V.Map([("host", Host.Name), ("path", $"{_directory}/{name}"), ("content", content), .. more]);

    [Fact]
    public async Task Create_WritesTheFile_AndARefreshPlansNoChange()
    {
        var inputs = Inputs("motd", "hello 'there' $HOME `id`\n", ("mode", "0640"), ("owner", "deploy"), ("group", "limited"));
        var plan = await Provider.PlanAsync(Type, inputs, null, null);
        var created = await Provider.CreateAsync(Type, inputs);

        Assert.Equal("hello 'there' $HOME `id`\n", await Fleet.ReadFileAsync(Host, $"{_directory}/motd"));
        Assert.Equal("640 deploy limited\n", await Fleet.SideAsync(Host, "stat", "-c", "%a %U %G", $"{_directory}/motd"));
        var attributes = created.Attributes!.AsMap();
        Assert.Equal($"{Host.Name}:file:{_directory}/motd", created.Id);
        Assert.Equal(plan.PlannedAttributes.AsMap()["sha256"], attributes["sha256"]);
        Assert.Equal(Value.Number(25), attributes["size"]);
        Assert.Equal(Value.String("0640"), attributes["mode"]);

        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.Equal(created.Attributes, read.Attributes);
        var again = await Provider.PlanAsync(Type, inputs, inputs, read.Attributes);
        Assert.Empty(HostProviders.Differences(again.PlannedAttributes, read.Attributes!));
        Assert.Empty(again.RequiresReplace);
    }

    [Fact]
    public async Task HandEdits_ShowAsDriftOfExactlyWhatChanged_AndUpdatePutsThemBack()
    {
        var inputs = Inputs("app.conf", "port=80\n", ("mode", "0644"));
        var created = await Provider.CreateAsync(Type, inputs);
        var path = $"{_directory}/app.conf";

        await Fleet.SideAsync(Host, "chmod", "0600", path);
        var chmodded = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        var plan = await Provider.PlanAsync(Type, inputs, inputs, chmodded.Attributes);
        Assert.Equal(["mode"], HostProviders.Differences(plan.PlannedAttributes, chmodded.Attributes!));

        await Fleet.WriteFileAsync(Host, path, "port=8080 # edited by hand\n", (UnixFileMode)Convert.ToInt32("600", 8));
        var edited = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        plan = await Provider.PlanAsync(Type, inputs, inputs, edited.Attributes);
        Assert.Equal(Value.String("port=8080 # edited by hand\n"), edited.Attributes!.AsMap()["content"]);
        Assert.Equal(["content", "mode", "sha256", "size"], HostProviders.Differences(plan.PlannedAttributes, edited.Attributes!));

        var healed = await Provider.UpdateAsync(Type, created, inputs, inputs);
        Assert.Equal("port=80\n", await Fleet.ReadFileAsync(Host, path));
        Assert.Equal("644\n", await Fleet.SideAsync(Host, "stat", "-c", "%a", path));
        Assert.Equal(created.Attributes, healed.Attributes);

        await Fleet.SideAsync(Host, "rm", path);
        var gone = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.False(gone.Exists);
    }

    [Fact]
    public async Task Update_ChangesContentAndMode_DeleteRemovesIt()
    {
        var inputs = Inputs("data", "one\n");
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal(Value.String("0644"), created.Attributes!.AsMap()["mode"]);
        Assert.Equal(Value.String("root"), created.Attributes!.AsMap()["owner"]);

        var changed = Inputs("data", "two\n", ("mode", "0600"));
        var plan = await Provider.PlanAsync(Type, changed, inputs, created.Attributes);
        Assert.Empty(plan.RequiresReplace);
        var updated = await Provider.UpdateAsync(Type, created, inputs, changed);
        Assert.Equal("two\n", await Fleet.ReadFileAsync(Host, $"{_directory}/data"));
        Assert.Equal(plan.PlannedAttributes.AsMap()["sha256"], updated.Attributes!.AsMap()["sha256"]);
        Assert.Equal(Value.String("0600"), updated.Attributes!.AsMap()["mode"]);

        var moved = await Provider.PlanAsync(Type, Inputs("elsewhere", "two\n"), changed, updated.Attributes);
        Assert.Equal(["path"], moved.RequiresReplace.ToArray());

        await Provider.DeleteAsync(Type, updated);
        Assert.Null(await Fleet.ReadFileAsync(Host, $"{_directory}/data"));
        await Provider.DeleteAsync(Type, updated);
    }

    [Fact]
    public async Task SensitiveContent_StaysSensitive()
    {
        var inputs = Inputs("secret", "x").AsMap().SetItem("content", Value.String("hunter2-password").AsSensitive());
        var created = await Provider.CreateAsync(Type, Value.Map(inputs));
        Assert.Equal("hunter2-password", await Fleet.ReadFileAsync(Host, $"{_directory}/secret"));
        var attributes = created.Attributes!.AsMap();
        Assert.True(attributes["content"].IsSensitive);
        Assert.True(attributes["sha256"].IsSensitive);
    }

    [Fact]
    public async Task Read_FetchesSmallTextContentBack_SensitiveWhenPlannedSensitive()
    {
        var inputs = Value.Map(Inputs("token", "x").AsMap().SetItem("content", Value.String("token=abc\n").AsSensitive()));
        var created = await Provider.CreateAsync(Type, inputs);
        await Fleet.WriteFileAsync(Host, $"{_directory}/token", "token=changed by hand ✓\n");
        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        var content = read.Attributes!.AsMap()["content"];
        Assert.Equal(Value.String("token=changed by hand ✓\n"), content);
        Assert.True(content.IsSensitive);
        Assert.True(read.Attributes!.AsMap()["sha256"].IsSensitive);

        var plain = Inputs("plain", "same\n");
        var made = await Provider.CreateAsync(Type, plain);
        var again = await Provider.ReadAsync(Type, made.Id!, plain, made.Attributes);
        Assert.False(again.Attributes!.AsMap()["content"].IsSensitive);
        Assert.Equal(made.Attributes, again.Attributes);
    }

    [Fact]
    public async Task Read_OfABigOrBinaryFile_KeepsTheGivenContent_AndTheHashDecides()
    {
        var big = Inputs("big", new string('b', 64 * 1024 + 1));
        var created = await Provider.CreateAsync(Type, big);
        await Fleet.SideAsync(Host, "sh", "-c", "printf 'c' >> \"$1\"", "sh", $"{_directory}/big");
        var read = await Provider.ReadAsync(Type, created.Id!, big, created.Attributes);
        Assert.Equal(big.AsMap()["content"], read.Attributes!.AsMap()["content"]);
        Assert.Equal(["sha256", "size"], HostProviders.Differences((await Provider.PlanAsync(Type, big, big, read.Attributes)).PlannedAttributes, read.Attributes!));

        var binary = Inputs("binary", "text\n");
        var made = await Provider.CreateAsync(Type, binary);
        await Fleet.SideAsync(Host, "sh", "-c", "printf '\\377\\376\\000' > \"$1\"", "sh", $"{_directory}/binary");
        read = await Provider.ReadAsync(Type, made.Id!, binary, made.Attributes);
        Assert.Equal(Value.String("text\n"), read.Attributes!.AsMap()["content"]);
        Assert.Equal(Value.Number(3), read.Attributes!.AsMap()["size"]);
    }

    [Fact]
    public async Task StateAbsent_RemovesAFile_AndOneMadeByHandIsDrift()
    {
        var path = $"{_directory}/unwanted";
        await Fleet.WriteFileAsync(Host, path, "junk");
        var inputs = V.Map(("host", Host.Name), ("path", path), ("state", "absent"));
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Null(await Fleet.ReadFileAsync(Host, path));
        Assert.Equal(Value.String("absent"), created.Attributes!.AsMap()["state"]);

        var read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        Assert.True(read.Exists);
        var plan = await Provider.PlanAsync(Type, inputs, inputs, read.Attributes);
        Assert.Empty(HostProviders.Differences(plan.PlannedAttributes, read.Attributes!));

        await Fleet.WriteFileAsync(Host, path, "junk again");
        read = await Provider.ReadAsync(Type, created.Id!, inputs, created.Attributes);
        plan = await Provider.PlanAsync(Type, inputs, inputs, read.Attributes);
        Assert.Contains("state", HostProviders.Differences(plan.PlannedAttributes, read.Attributes!));
    }

    [Fact]
    public async Task Become_AsDeploy_WritesARootOwnedFile()
    {
        var path = $"{_directory}/root-only";
        var inputs = V.Map(("host", Host.Name + "-deploy"), ("path", path), ("content", "as root\n"), ("owner", "root"), ("mode", "0600"));
        var created = await Provider.CreateAsync(Type, inputs);
        Assert.Equal("600 root as root\n", await Fleet.SideAsync(Host, "sh", "-c", "stat -c '%a %U ' \"$1\" | tr -d '\\n'; cat \"$1\"", "sh", path));
        Assert.Equal(Value.String("root"), created.Attributes!.AsMap()["owner"]);
    }

    [Fact]
    public async Task WithoutSudo_AWriteToARootDirectory_FailsNamingHostAndResource()
    {
        var inputs = V.Map(("host", Host.Name + "-limited"), ("path", "/etc/baton-limited"), ("content", "no\n"));
        var result = await Provider.TryCreateAsync(Type, inputs, "host.file.nope");
        Assert.NotNull(result.Error);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error.Kind);
        Assert.Contains("host.file.nope", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains($"host {Host.Name}-limited", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("exit status 3", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Permission denied", result.Error.Message, StringComparison.Ordinal);
        Assert.Null(await Fleet.ReadFileAsync(Host, "/etc/baton-limited"));
    }

    [Fact]
    public async Task MissingDirectory_IsAClearError()
    {
        var result = await Provider.TryCreateAsync(Type, V.Map(("host", Host.Name), ("path", $"{_directory}/no/such/file"), ("content", "x")));
        Assert.Contains("does not exist (declare it with host.directory)", result.Error!.Message, StringComparison.Ordinal);
    }
}
