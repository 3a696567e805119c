using System.Net;
using System.Net.Sockets;
using Baton.Providers.Nginx;
using Baton.Providers.Tests.Conformance;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Tests.Nginx;

public sealed class NginxProviderTests : IDisposable
{
    private const string Type = "nginx.site";
    private const string Address = "nginx.site.lb";

    private readonly NginxFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static Value Upstream(params string[] servers) => Value.List(servers.Select(Value.String));

    private static string NewKey() => "op-" + Guid.NewGuid().ToString("N");

    private static async Task<ResourceResult> CreateAsync(IProvider provider, Value inputs) =>
        await provider.CreateAsync(new CreateRequest { Type = Type, Address = Address, Inputs = inputs, IdempotencyKey = NewKey() }, CancellationToken.None);

    private static async Task<ResourceResult> UpdateAsync(IProvider provider, ResourceResult prior, Value priorInputs, Value inputs) =>
        await provider.UpdateAsync(
            new UpdateRequest { Type = Type, Address = Address, Id = prior.Id!, PriorInputs = priorInputs, PriorAttributes = prior.Attributes!, Inputs = inputs, IdempotencyKey = NewKey() },
            CancellationToken.None);

    private static async Task<DeleteResult> DeleteAsync(IProvider provider, ResourceResult prior) =>
        await provider.DeleteAsync(new DeleteRequest { Type = Type, Address = Address, Id = prior.Id!, Attributes = prior.Attributes!, IdempotencyKey = NewKey() }, CancellationToken.None);

    /// <summary>The names of the backends that answered <paramref name="count"/> requests, each on a new connection.</summary>
    private static async Task<List<string>> AnswersAsync(string url, int count)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var answers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url + "/");
            request.Headers.ConnectionClose = true;
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        return answers;
    }

    private static bool Refuses(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    [Fact]
    public async Task Create_TwoBackends_RoundRobinReachesBoth_UpdateToOne_OnlyItAnswers()
    {
        var a = _fixture.Backend("a");
        var b = _fixture.Backend("b");
        await using var provider = await _fixture.StartAsync();
        var port = LoopbackPort.Free();
        var inputs = V.Map(("listen", port), ("upstream", Upstream(a, b)));
        var created = await CreateAsync(provider, inputs);
        Assert.Null(created.Error);
        var url = created.Attributes!.AsMap()["url"].AsString();
        Assert.Equal($"http://127.0.0.1:{port}", url);
        Assert.NotNull(_fixture.Master());

        var answers = await AnswersAsync(url, 10);
        Assert.Contains("a", answers);
        Assert.Contains("b", answers);

        var changed = V.Map(("listen", port), ("upstream", Upstream(b)), ("balance", "least_conn"));
        var updated = await UpdateAsync(provider, created, inputs, changed);
        Assert.Null(updated.Error);
        Assert.Equal(created.Id, updated.Id);
        Assert.NotEqual(created.Attributes!.AsMap()["config_sha256"], updated.Attributes!.AsMap()["config_sha256"]);
        Assert.All(await AnswersAsync(url, 10), answer => Assert.Equal("b", answer));

        var read = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = created.Id, Inputs = changed }, CancellationToken.None);
        Assert.True(read.Exists);
        Assert.Equal(updated.Attributes, read.Attributes);
    }

    [Fact]
    public async Task Update_ConfigFailsNginxTest_IsRejectedWithNginxMessage_AndPreviousStaysLive()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var port = LoopbackPort.Free();
        var inputs = V.Map(("listen", port), ("upstream", Upstream(a)));
        var created = await CreateAsync(provider, inputs);
        Assert.Null(created.Error);
        var file = created.Attributes!.AsMap()["config_file"].AsString();
        var before = await System.IO.File.ReadAllTextAsync(file);

        var updated = await UpdateAsync(provider, created, inputs, V.Map(("listen", port), ("upstream", Upstream("bad host:port:"))));
        Assert.NotNull(updated.Error);
        Assert.Equal(ProviderErrorKind.Permanent, updated.Error!.Kind);
        Assert.Contains(Address, updated.Error.Message, StringComparison.Ordinal);
        Assert.Contains("nginx: [emerg]", updated.Error.Message, StringComparison.Ordinal);
        Assert.Contains("bad host:port:", updated.Error.Message, StringComparison.Ordinal);

        Assert.Equal(before, await System.IO.File.ReadAllTextAsync(file));
        Assert.All(await AnswersAsync(created.Attributes!.AsMap()["url"].AsString(), 3), answer => Assert.Equal("a", answer));
        var read = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = created.Id, Inputs = inputs }, CancellationToken.None);
        Assert.Equal(created.Attributes, read.Attributes);
    }

    [Fact]
    public async Task Create_ConfigFailsNginxTest_LeavesNoFileAndOtherSitesLive()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var good = await CreateAsync(provider, V.Map(("listen", LoopbackPort.Free()), ("upstream", Upstream(a))));
        Assert.Null(good.Error);
        var siteFiles = Directory.GetFiles(Path.Combine(_fixture.BaseDirectory, "sites"));

        var bad = await CreateAsync(provider, V.Map(("listen", LoopbackPort.Free()), ("upstream", Upstream("127.0.0.1:notaport"))));
        Assert.NotNull(bad.Error);
        Assert.Contains("nginx: [emerg]", bad.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(siteFiles, Directory.GetFiles(Path.Combine(_fixture.BaseDirectory, "sites")));
        Assert.All(await AnswersAsync(good.Attributes!.AsMap()["url"].AsString(), 2), answer => Assert.Equal("a", answer));
    }

    [Fact]
    public async Task Create_ListenPortInUse_FailsNamingThePort_AndAppliesNothing()
    {
        var a = _fixture.Backend("a");
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var provider = await _fixture.StartAsync();

        var created = await CreateAsync(provider, V.Map(("listen", port), ("upstream", Upstream(a))));
        Assert.NotNull(created.Error);
        Assert.Equal(ProviderErrorKind.Permanent, created.Error!.Kind);
        Assert.Contains($"port {port}", created.Error.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", created.Error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_fixture.BaseDirectory, "sites")));
        Assert.Null(_fixture.Master());
    }

    [Fact]
    public async Task Create_AddressNotOnThisHost_FailsNamingThePort_AndAppliesNothing()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var port = LoopbackPort.Free();

        // TEST-NET-1 (RFC 5737) is never a local address.
        var created = await CreateAsync(provider, V.Map(("listen", port), ("address", "192.0.2.1"), ("upstream", Upstream(a))));
        Assert.NotNull(created.Error);
        Assert.Contains($"port {port} on 192.0.2.1 cannot be bound", created.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_fixture.BaseDirectory, "sites")));
        Assert.Null(_fixture.Master());
    }

    [Fact]
    public async Task Reload_PortTakenAfterTheCheck_ReportsNginxBindErrorAndKeepsServing()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("listen", LoopbackPort.Free()), ("upstream", Upstream(a))));
        Assert.Null(created.Error);

        // A port taken between the provider's check and the reload: nginx -t passes, the master's reload fails.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var server = new NginxServer("/usr/sbin/nginx", _fixture.BaseDirectory, TimeProvider.System);
        var extra = server.SiteFile("site-ffffffffffffffffffff");
        var spec = new SiteSpec { Listen = port, Address = "127.0.0.1", Upstream = [a], Balance = "round_robin", MaxFails = 1, FailTimeout = TimeSpan.FromSeconds(10) };
        NginxServer.WriteAtomically(extra, spec.Render("site-ffffffffffffffffffff"));
        Assert.Null(await server.TestAsync(CancellationToken.None));

        var failure = await server.StartOrReloadAsync(CancellationToken.None);
        Assert.NotNull(failure);
        Assert.Contains("[emerg]", failure, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", failure, StringComparison.Ordinal);
        Assert.All(await AnswersAsync(created.Attributes!.AsMap()["url"].AsString(), 2), answer => Assert.Equal("a", answer));
        System.IO.File.Delete(extra);
    }

    [Fact]
    public async Task Delete_LastSite_PortRefusesAndMasterStops_ThenReadIsGone()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var port = LoopbackPort.Free();
        var inputs = V.Map(("listen", port), ("upstream", Upstream(a)));
        var created = await CreateAsync(provider, inputs);
        Assert.Null(created.Error);
        var master = _fixture.Master();
        Assert.NotNull(master);

        Assert.Null((await DeleteAsync(provider, created)).Error);
        Assert.True(Refuses(port));
        Assert.False(ProcessGroups.IsAlive(master.Value.Pid, master.Value.Ticks));
        var read = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = created.Id, Inputs = inputs }, CancellationToken.None);
        Assert.Null(read.Error);
        Assert.False(read.Exists);
        Assert.Null((await DeleteAsync(provider, created)).Error);
    }

    [Fact]
    public async Task Delete_OneOfTwoSites_KeepsTheOtherServing()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var first = await CreateAsync(provider, V.Map(("listen", LoopbackPort.Free()), ("upstream", Upstream(a))));
        var secondPort = LoopbackPort.Free();
        var second = await CreateAsync(provider, V.Map(("listen", secondPort), ("upstream", Upstream(a))));
        Assert.Null(first.Error);
        Assert.Null(second.Error);

        Assert.Null((await DeleteAsync(provider, second)).Error);
        await Task.Delay(200);
        Assert.True(Refuses(secondPort));
        Assert.All(await AnswersAsync(first.Attributes!.AsMap()["url"].AsString(), 2), answer => Assert.Equal("a", answer));
    }

    [Fact]
    public async Task Read_SiteFileChangedOnDisk_IsDriftThatPlanShows()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("listen", LoopbackPort.Free()), ("upstream", Upstream(a)));
        var created = await CreateAsync(provider, inputs);
        Assert.Null(created.Error);
        await System.IO.File.AppendAllTextAsync(created.Attributes!.AsMap()["config_file"].AsString(), "# edited by hand\n");

        var read = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = created.Id, Inputs = inputs }, CancellationToken.None);
        Assert.True(read.Exists);
        Assert.NotEqual(created.Attributes!.AsMap()["config_sha256"], read.Attributes!.AsMap()["config_sha256"]);
        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = inputs, PriorInputs = inputs, PriorAttributes = read.Attributes }, CancellationToken.None);
        Assert.False(plan.PlannedAttributes.AsMap()["config_sha256"].IsKnown);

        var healed = await UpdateAsync(provider, created with { Attributes = read.Attributes }, inputs, inputs);
        Assert.Null(healed.Error);
        Assert.Equal(created.Attributes, healed.Attributes);
    }

    [Fact]
    public async Task Read_MasterStoppedOutside_IsDrift_AndUpdateStartsItAgain()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("listen", LoopbackPort.Free()), ("upstream", Upstream(a)));
        var created = await CreateAsync(provider, inputs);
        Assert.Null(created.Error);
        var master = _fixture.Master()!.Value;
        MasterSignals.Send(master.Pid, MasterSignals.Quit);
        for (var i = 0; i < 200 && ProcessGroups.IsAlive(master.Pid, master.Ticks); i++)
        {
            await Task.Delay(25);
        }

        var read = await provider.ReadAsync(new ReadRequest { Type = Type, Address = Address, Id = created.Id, Inputs = inputs }, CancellationToken.None);
        Assert.True(read.Exists);
        var plan = await provider.PlanAsync(new PlanRequest { Type = Type, Address = Address, Inputs = inputs, PriorInputs = inputs, PriorAttributes = read.Attributes }, CancellationToken.None);
        Assert.False(plan.PlannedAttributes.AsMap()["config_sha256"].IsKnown);

        var healed = await UpdateAsync(provider, created with { Attributes = read.Attributes }, inputs, inputs);
        Assert.Null(healed.Error);
        Assert.Equal(created.Attributes, healed.Attributes);
        Assert.NotNull(_fixture.Master());
        Assert.All(await AnswersAsync(created.Attributes!.AsMap()["url"].AsString(), 2), answer => Assert.Equal("a", answer));
    }

    [Fact]
    public async Task Create_StatusPath_AnswersStubStatusWithRequestCounts()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("listen", LoopbackPort.Free()), ("upstream", Upstream(a)), ("status_path", "/nginx_status")));
        Assert.Null(created.Error);
        var map = created.Attributes!.AsMap();
        Assert.Equal(map["url"].AsString() + "/nginx_status", map["status_url"].AsString());
        await AnswersAsync(map["url"].AsString(), 3);

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var status = await client.GetStringAsync(map["status_url"].AsString());
        Assert.Contains("Active connections:", status, StringComparison.Ordinal);
        Assert.Contains("server accepts handled requests", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BadInputs_AreDiagnostics()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await provider.ValidateAsync(
            new ValidateRequest(Type, Address, V.Map(("listen", 70000), ("upstream", Value.EmptyList), ("balance", "random"), ("fail_timeout", "soon"))),
            CancellationToken.None);
        Assert.Equal(4, result.Diagnostics.Length);
        Assert.All(result.Diagnostics, d => Assert.Equal(NginxProvider.InvalidInputCode, d.Code));
    }
}
