using Baton.Providers.Process;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Process;

public sealed class ProcessConformanceTests : ProviderConformance, IConformanceObserver, IDisposable
{
    private readonly ProcessFixture _fixture = new();

    protected override IProviderFactory Factory { get; } = new ProcessProviderFactory();

    protected override ProviderConfiguration Configuration => _fixture.Configuration();

    protected override string ResourceType => "process.service";

    protected override Value ValidInputs => V.Map(("command", Value.List(Value.String("sleep"), Value.String("300"))));

    protected override Value ChangedInputs => V.Map(("command", Value.List(Value.String("sleep"), Value.String("300"))), ("env", V.Map(("GREETING", "hello"))), ("stop_timeout", "2s"));

    protected override string MissingId => "proc-00000000000000000000";

    public int CountRealObjects(string address, string id)
    {
        var record = new ServiceRegistry(_fixture.Registry).Find(id);
        return record is not null && record.Replicas.Any(r => r.IsAlive) ? 1 : 0;
    }

    public void Dispose() => _fixture.Dispose();
}
