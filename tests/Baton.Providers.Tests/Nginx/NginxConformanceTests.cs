using Baton.Providers.Nginx;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Nginx;

public sealed class NginxConformanceTests : ProviderConformance, IConformanceObserver, IDisposable
{
    private readonly NginxFixture _fixture = new();
    private readonly int _port = LoopbackPort.Free();
    private readonly string _backend;

    public NginxConformanceTests() => _backend = _fixture.Backend("a");

    protected override IProviderFactory Factory { get; } = new NginxProviderFactory();

    protected override ProviderConfiguration Configuration => _fixture.Configuration();

    protected override string ResourceType => "nginx.site";

    protected override Value ValidInputs => V.Map(("listen", _port), ("upstream", Value.List(Value.String(_backend))));

    protected override Value ChangedInputs => V.Map(("listen", _port), ("upstream", Value.List(Value.String(_backend))), ("balance", "least_conn"), ("max_fails", 3), ("status_path", "/nginx_status"));

    protected override string MissingId => "site-00000000000000000000";

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(StringComparer.Ordinal) { "url", "status_url" };

    public int CountRealObjects(string address, string id) =>
        System.IO.File.Exists(Path.Combine(_fixture.BaseDirectory, "sites", id + ".conf")) && _fixture.Master() is not null ? 1 : 0;

    public void Dispose() => _fixture.Dispose();
}
