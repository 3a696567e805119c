using Baton.Providers.Sim;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Sim;

public sealed class SimProviderConformanceTests : ProviderConformance, IConformanceObserver, IDisposable
{
    private readonly SimFixture _fixture = new();

    protected override IProviderFactory Factory { get; } = new SimProviderFactory();

    protected override ProviderConfiguration Configuration => _fixture.Configuration();

    protected override string ResourceType => "sim.resource";

    protected override Value ValidInputs => V.Map(("input", V.Map(("name", "web"), ("size", 3))));

    protected override Value ChangedInputs => V.Map(("input", V.Map(("name", "web"), ("size", 4))));

    protected override Value? ReplacingInputs => V.Map(("input", "other"), ("input_forces_replace", true));

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(["output", "output_hash"], StringComparer.Ordinal);

    public int CountRealObjects(string address, string id)
    {
        using var world = _fixture.OpenWorld();
        return world.LiveObjectsAt(address).Count(o => o.Id == id);
    }

    public void Dispose() => _fixture.Dispose();
}
