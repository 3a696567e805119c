using Baton.Providers.Container;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Container;

/// <summary>The provider contract for each container resource type, against the real Podman service.</summary>
public abstract class ContainerConformance(PodmanServer podman) : ProviderConformance, IConformanceObserver
{
    private protected ContainerFixture Fixture { get; } = new(podman);

    protected override IProviderFactory Factory { get; } = new ContainerProviderFactory();

    protected override ProviderConfiguration Configuration => Fixture.Configuration();

    public override async Task InitializeAsync()
    {
        await Fixture.BusyboxAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Fixture.DisposeAsync();
    }

    public abstract int CountRealObjects(string address, string id);

    protected static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}

[Collection(PodmanCollection.Name)]
public sealed class ContainerServiceConformanceTests(PodmanServer podman) : ContainerConformance(podman)
{
    protected override string ResourceType => "container.service";

    protected override Value ValidInputs => V.Map(
        ("image", ContainerFixture.Image),
        ("command", Value.List(Value.String("httpd"), Value.String("-f"), Value.String("-p"), Value.String("8080"), Value.String("-h"), Value.String("/www"))),
        ("port", "auto"),
        ("container_port", 8080),
        ("init", true),
        ("stop_timeout", "2s"));

    protected override Value ChangedInputs => Value.Map(ValidInputs.AsMap().SetItem("env", V.Map(("GREETING", "hello"))));

    protected override string MissingId => "ctr-00000000000000000000";

    public override int CountRealObjects(string address, string id)
    {
        var running = Fixture.Podman.ContainerIdsWithLabelAsync("baton.service", id).GetAwaiter().GetResult();
        return running.Count > 0 ? 1 : 0;
    }
}

[Collection(PodmanCollection.Name)]
public sealed class ContainerImageConformanceTests(PodmanServer podman) : ContainerConformance(podman)
{
    private readonly string _name = Unique("bt-img") + ":1";

    protected override string ResourceType => "container.image";

    protected override Value ValidInputs => V.Map(("name", _name), ("import", "rootfs.tar"));

    // Another tarball: the image is imported again in place.
    protected override Value ChangedInputs => V.Map(("name", _name), ("import", "rootfs-v2.tar"));

    protected override Value ReplacingInputs => V.Map(("name", Unique("bt-img") + ":1"), ("import", "rootfs.tar"));

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(StringComparer.Ordinal) { "id", "source_sha256" };

    public override async Task InitializeAsync()
    {
        PodmanServer.MakeBusyboxRootfsTar(Path.Combine(Fixture.Stack, "rootfs.tar"));
        PodmanServer.MakeBusyboxRootfsTar(Path.Combine(Fixture.Stack, "rootfs-v2.tar"));
        await base.InitializeAsync();
    }

    public override int CountRealObjects(string address, string id)
    {
        using var client = Fixture.ClientAsync().GetAwaiter().GetResult();
        return client.InspectImageAsync(id, CancellationToken.None).GetAwaiter().GetResult() is null ? 0 : 1;
    }
}

[Collection(PodmanCollection.Name)]
public sealed class ContainerNetworkConformanceTests(PodmanServer podman) : ContainerConformance(podman)
{
    private readonly string _name = Unique("bt-net");

    protected override string ResourceType => "container.network";

    protected override Value ValidInputs => V.Map(("name", _name));

    protected override Value? ChangedInputs => null;

    protected override Value ReplacingInputs => V.Map(("name", _name), ("internal", true));

    public override int CountRealObjects(string address, string id)
    {
        using var client = Fixture.ClientAsync().GetAwaiter().GetResult();
        return client.InspectNetworkAsync(id, CancellationToken.None).GetAwaiter().GetResult() is null ? 0 : 1;
    }
}

[Collection(PodmanCollection.Name)]
public sealed class ContainerVolumeConformanceTests(PodmanServer podman) : ContainerConformance(podman)
{
    private readonly string _name = Unique("bt-vol");

    protected override string ResourceType => "container.volume";

    protected override Value ValidInputs => V.Map(("name", _name));

    protected override Value? ChangedInputs => null;

    protected override Value ReplacingInputs => V.Map(("name", Unique("bt-vol")));

    public override int CountRealObjects(string address, string id)
    {
        using var client = Fixture.ClientAsync().GetAwaiter().GetResult();
        return client.InspectVolumeAsync(id, CancellationToken.None).GetAwaiter().GetResult() is null ? 0 : 1;
    }
}
