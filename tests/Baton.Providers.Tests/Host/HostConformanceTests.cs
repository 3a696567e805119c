using Baton.Providers.Host;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary>The provider conformance kit for the host types, on a real host; each class cleans up what it made.</summary>
public abstract class HostConformanceBase(SshHostsFixture fixture) : ProviderConformance
{
    protected string Token { get; } = Guid.NewGuid().ToString("N")[..8];

    protected SshHostFleet Fleet => fixture.Fleet;

    protected SshHost Host => Fleet.Hosts[0];

    protected override IProviderFactory Factory { get; } = new HostProviderFactory();

    protected override ProviderConfiguration Configuration => HostProviders.Configuration(Fleet);

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(["id", "sha256", "size", "pending"], StringComparer.Ordinal);

    /// <summary>Removes what the tests made.</summary>
    protected abstract Task CleanUpAsync();

    /// <summary>How many objects <paramref name="argv"/>, run from the side, says exist (its exit status 0: one).</summary>
    protected int Count(params string[] argv) => Fleet.ExecAsync(Host, argv).GetAwaiter().GetResult().ExitCode == 0 ? 1 : 0;

    public override async Task DisposeAsync()
    {
        await CleanUpAsync();
        await base.DisposeAsync();
    }

    /// <summary>The NAME of an id HOST:KIND:NAME.</summary>
    protected static string After(string id) => id.Split(':', 3) is [_, _, var name] ? name : id;
}

[Collection(SshHostCollection.Name)]
public sealed class HostFileConformanceTests(SshHostsFixture fixture) : HostConformanceBase(fixture), IConformanceObserver
{
    private string Path => $"/tmp/baton-conformance-{Token}.txt";

    protected override string ResourceType => "host.file";

    protected override Value ValidInputs => V.Map(("host", Host.Name), ("path", Path), ("content", "one\n"), ("mode", "0644"), ("owner", "root"), ("group", "root"));

    protected override Value ChangedInputs => V.Map(("host", Host.Name), ("path", Path), ("content", "two\n"), ("mode", "0600"), ("owner", "deploy"), ("group", "root"));

    protected override Value ReplacingInputs => V.Map(("host", Host.Name), ("path", Path + ".b"), ("content", "one\n"), ("mode", "0644"), ("owner", "root"), ("group", "root"));

    public int CountRealObjects(string address, string id) => Count("test", "-f", After(id));

    protected override Task CleanUpAsync() => Fleet.ExecAsync(Host, "rm", "-f", Path, Path + ".b");
}

[Collection(SshHostCollection.Name)]
public sealed class HostDirectoryConformanceTests(SshHostsFixture fixture) : HostConformanceBase(fixture), IConformanceObserver
{
    private string Path => $"/tmp/baton-conformance-{Token}";

    protected override string ResourceType => "host.directory";

    protected override Value ValidInputs => V.Map(("host", Host.Name), ("path", Path), ("mode", "0755"), ("owner", "root"), ("group", "root"));

    protected override Value ChangedInputs => V.Map(("host", Host.Name), ("path", Path), ("mode", "0700"), ("owner", "deploy"), ("group", "root"));

    protected override Value ReplacingInputs => V.Map(("host", Host.Name + "-deploy"), ("path", Path), ("mode", "0755"), ("owner", "root"), ("group", "root"));

    public int CountRealObjects(string address, string id) => Count("test", "-d", After(id));

    protected override Task CleanUpAsync() => Fleet.ExecAsync(Host, "rm", "-rf", Path);
}

/// <summary>An exec leaves no object of its own on the host, so the kit counts none.</summary>
[Collection(SshHostCollection.Name)]
public sealed class HostExecConformanceTests(SshHostsFixture fixture) : HostConformanceBase(fixture)
{
    private string Marker => $"/tmp/baton-conformance-exec-{Token}";

    protected override string ResourceType => "host.exec";

    protected override Value ValidInputs => V.Map(("host", Host.Name), ("command", Value.List(Value.String("touch"), Value.String(Marker))), ("creates", Marker));

    protected override Value ChangedInputs => V.Map(("host", Host.Name), ("command", Value.List(Value.String("touch"), Value.String(Marker))), ("creates", Marker), ("cwd", "/tmp"));

    protected override Value ReplacingInputs => V.Map(("host", Host.Name + "-deploy"), ("command", Value.List(Value.String("touch"), Value.String(Marker))), ("creates", Marker));

    protected override Task CleanUpAsync() => Fleet.ExecAsync(Host, "rm", "-f", Marker);
}

[Collection(SshHostCollection.Name)]
public sealed class HostGroupConformanceTests(SshHostsFixture fixture) : HostConformanceBase(fixture), IConformanceObserver
{
    private string Name => "bcg" + Token[..6];

    protected override string ResourceType => "host.group";

    protected override Value ValidInputs => V.Map(("host", Host.Name), ("name", Name), ("gid", 5301));

    protected override Value ChangedInputs => V.Map(("host", Host.Name), ("name", Name), ("gid", 5302));

    protected override Value ReplacingInputs => V.Map(("host", Host.Name), ("name", Name + "b"), ("gid", 5303));

    public int CountRealObjects(string address, string id) => Count("getent", "group", After(id));

    protected override async Task CleanUpAsync()
    {
        await Fleet.ExecAsync(Host, "groupdel", Name);
        await Fleet.ExecAsync(Host, "groupdel", Name + "b");
    }
}

[Collection(SshHostCollection.Name)]
public sealed class HostUserConformanceTests(SshHostsFixture fixture) : HostConformanceBase(fixture), IConformanceObserver
{
    private string Name => "bcu" + Token[..6];

    protected override string ResourceType => "host.user";

    protected override Value ValidInputs => V.Map(("host", Host.Name), ("name", Name), ("uid", 5401), ("shell", "/bin/sh"), ("groups", Value.List(Value.String("users"))));

    protected override Value ChangedInputs => V.Map(("host", Host.Name), ("name", Name), ("uid", 5401), ("shell", "/bin/bash"), ("groups", Value.EmptyList));

    protected override Value ReplacingInputs => V.Map(("host", Host.Name), ("name", Name + "b"), ("uid", 5402));

    public int CountRealObjects(string address, string id) => Count("getent", "passwd", After(id));

    protected override async Task CleanUpAsync()
    {
        await Fleet.ExecAsync(Host, "userdel", "-r", Name);
        await Fleet.ExecAsync(Host, "userdel", "-r", Name + "b");
    }
}

[Collection(SshHostCollection.Name)]
public sealed class HostTemplateConformanceTests : HostConformanceBase, IConformanceObserver
{
    public HostTemplateConformanceTests(SshHostsFixture fixture)
        : base(fixture) => System.IO.File.WriteAllText(System.IO.Path.Combine(Fleet.Directory, Source), "name = ${name} on ${host.name}\n");

    private string Source => $"conformance-{Token}.tpl";

    private string Path => $"/tmp/baton-conformance-{Token}.conf";

    protected override string ResourceType => "host.template";

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(["id", "sha256", "size", "content"], StringComparer.Ordinal);

    protected override Value ValidInputs => V.Map(("host", Host.Name), ("path", Path), ("source", Source), ("vars", V.Map(("name", "web"))), ("mode", "0644"), ("owner", "root"), ("group", "root"));

    protected override Value ChangedInputs => V.Map(("host", Host.Name), ("path", Path), ("source", Source), ("vars", V.Map(("name", "api"))), ("mode", "0600"), ("owner", "root"), ("group", "root"));

    protected override Value ReplacingInputs => V.Map(("host", Host.Name), ("path", Path + ".b"), ("source", Source), ("vars", V.Map(("name", "web"))), ("mode", "0644"), ("owner", "root"), ("group", "root"));

    public int CountRealObjects(string address, string id) => Count("test", "-f", After(id));

    protected override async Task CleanUpAsync()
    {
        System.IO.File.Delete(System.IO.Path.Combine(Fleet.Directory, Source));
        await Fleet.ExecAsync(Host, "rm", "-f", Path, Path + ".b");
    }
}

[Collection(SshHostCollection.Name)]
public sealed class HostLinkConformanceTests(SshHostsFixture fixture) : HostConformanceBase(fixture), IConformanceObserver
{
    private string Path => $"/tmp/baton-conformance-{Token}.link";

    protected override string ResourceType => "host.link";

    protected override Value ValidInputs => V.Map(("host", Host.Name), ("path", Path), ("target", "/etc"), ("owner", "root"), ("group", "root"));

    protected override Value ChangedInputs => V.Map(("host", Host.Name), ("path", Path), ("target", "/var"), ("owner", "deploy"), ("group", "root"));

    protected override Value ReplacingInputs => V.Map(("host", Host.Name), ("path", Path + ".b"), ("target", "/etc"), ("owner", "root"), ("group", "root"));

    public int CountRealObjects(string address, string id) => Count("test", "-L", After(id));

    protected override Task CleanUpAsync() => Fleet.ExecAsync(Host, "rm", "-f", Path, Path + ".b");
}

[Collection(SshHostCollection.Name)]
public sealed class HostLineConformanceTests(SshHostsFixture fixture) : HostConformanceBase(fixture)
{
    private string Path => $"/tmp/baton-conformance-{Token}.conf";

    protected override string ResourceType => "host.line";

    protected override Value ValidInputs => V.Map(("host", Host.Name), ("path", Path), ("line", "Port 22"), ("match", "^Port "), ("create", true));

    protected override Value ChangedInputs => V.Map(("host", Host.Name), ("path", Path), ("line", "Port 2222"), ("match", "^Port "), ("create", true));

    protected override Value ReplacingInputs => V.Map(("host", Host.Name), ("path", Path), ("line", "Port 22"), ("match", "^#?Port "), ("create", true));

    protected override Task CleanUpAsync() => Fleet.ExecAsync(Host, "rm", "-f", Path);
}

[Collection(SshHostCollection.Name)]
public sealed class HostCronConformanceTests(SshHostsFixture fixture) : HostConformanceBase(fixture), IConformanceObserver
{
    private string Name => "bc-" + Token;

    protected override string ResourceType => "host.cron";

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(["id", "sha256", "path"], StringComparer.Ordinal);

    protected override Value ValidInputs => V.Map(("host", Host.Name), ("name", Name), ("schedule", "@daily"), ("command", "true"));

    protected override Value ChangedInputs => V.Map(("host", Host.Name), ("name", Name), ("schedule", "0 3 * * *"), ("command", "true"), ("environment", V.Map(("MAILTO", "ops"))));

    protected override Value ReplacingInputs => V.Map(("host", Host.Name), ("name", Name + "b"), ("schedule", "@daily"), ("command", "true"));

    public int CountRealObjects(string address, string id) => Count("test", "-f", "/etc/cron.d/" + After(id));

    protected override Task CleanUpAsync() => Fleet.ExecAsync(Host, "rm", "-f", $"/etc/cron.d/{Name}", $"/etc/cron.d/{Name}b");
}
