using System.Diagnostics;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Http;

public sealed class HttpCheckTests
{
    [Fact]
    public async Task Create_EndpointAnswers200_SucceedsWithOutputs()
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 200, "ok: ready"));
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.CreateAsync(HttpFixture.Create(V.Map(("url", server.Url("/healthz")))), CancellationToken.None);
        Assert.Null(result.Error);
        var attributes = result.Attributes!;
        Assert.Equal(Value.Number(200), HttpFixture.Attr(attributes, "status"));
        Assert.Equal(Value.String("ok: ready"), HttpFixture.Attr(attributes, "body"));
        Assert.Equal(Value.True, HttpFixture.Attr(attributes, "healthy"));
        Assert.Equal(Value.String(result.Id!), HttpFixture.Attr(attributes, "id"));
    }

    [Fact]
    public async Task Create_Twice_GivesTheSameIdAndAttributes()
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 200, "same"));
        await using var provider = await HttpFixture.StartAsync();
        var inputs = V.Map(("url", server.Url("/")));
        var first = await provider.CreateAsync(HttpFixture.Create(inputs), CancellationToken.None);
        var second = await provider.CreateAsync(HttpFixture.Create(inputs), CancellationToken.None);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Attributes, second.Attributes);
    }

    [Fact]
    public async Task Plan_KnownUrl_PredictsTheId()
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 200, "ok"));
        await using var provider = await HttpFixture.StartAsync();
        var inputs = V.Map(("url", server.Url("/")));
        var plan = await provider.PlanAsync(new PlanRequest { Type = "http.check", Address = "http.check.web", Inputs = inputs }, CancellationToken.None);
        var created = await provider.CreateAsync(HttpFixture.Create(inputs), CancellationToken.None);
        Assert.Equal(Value.String(created.Id!), HttpFixture.Attr(plan.PlannedAttributes, "id"));
        Assert.False(HttpFixture.Attr(plan.PlannedAttributes, "status").IsKnown);
    }

    [Fact]
    public async Task Create_WrongStatus_FailsPermanentlyAfterTheDeadlineWithTheStatus()
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 500, "database is down"));
        await using var provider = await HttpFixture.StartAsync();
        var clock = Stopwatch.StartNew();
        var result = await provider.CreateAsync(
            HttpFixture.Create(V.Map(("url", server.Url("/")), ("retry_until", "2s"), ("interval", "50ms"))), CancellationToken.None);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1990), $"gave up after {clock.Elapsed}");
        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains("last status 500", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("database is down", result.Error.Message, StringComparison.Ordinal);
        Assert.True(server.Requests > 1, $"only {server.Requests} request(s)");
    }

    [Fact]
    public async Task Create_LongBody_MessageHoldsOnlyTheFirst200Characters()
    {
        var body = new string('a', 200) + "TAIL";
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 404, body));
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.CreateAsync(HttpFixture.Create(V.Map(("url", server.Url("/")), ("retry_until", "0ms"))), CancellationToken.None);
        Assert.Contains(new string('a', 200), result.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TAIL", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_HealthyAfterThreeRequests_PassesWithinTheDeadline()
    {
        await using var server = new LoopbackServer((context, n) =>
            n < 3 ? LoopbackServer.WriteAsync(context, 503, "starting") : LoopbackServer.WriteAsync(context, 200, "up"));
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.CreateAsync(
            HttpFixture.Create(V.Map(("url", server.Url("/")), ("retry_until", "5s"), ("interval", "20ms"))), CancellationToken.None);
        Assert.Null(result.Error);
        Assert.Equal(3, server.Requests);
        Assert.Equal(Value.String("up"), HttpFixture.Attr(result.Attributes!, "body"));
    }

    [Fact]
    public async Task Create_BodyContains_MatchesOnlyWhenTheTextIsThere()
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 200, "{\"status\":\"green\"}"));
        await using var provider = await HttpFixture.StartAsync();
        var pass = await provider.CreateAsync(HttpFixture.Create(V.Map(("url", server.Url("/")), ("expect_body_contains", "green"))), CancellationToken.None);
        Assert.Null(pass.Error);
        var fail = await provider.CreateAsync(
            HttpFixture.Create(V.Map(("url", server.Url("/")), ("expect_body_contains", "red"), ("retry_until", "100ms"), ("interval", "20ms"))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, fail.Error?.Kind);
        Assert.Contains("containing \"red\"", fail.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ExpectStatusList_AcceptsAnyOfThem()
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 204, string.Empty));
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.CreateAsync(
            HttpFixture.Create(V.Map(("url", server.Url("/")), ("expect_status", Value.List(Value.Number(200), Value.Number(204))))), CancellationToken.None);
        Assert.Null(result.Error);
        Assert.Equal(Value.Number(204), HttpFixture.Attr(result.Attributes!, "status"));
    }

    [Fact]
    public async Task Create_RefusedConnection_FailsClearlyAfterTheDeadline()
    {
        var port = LoopbackPort.Free();
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.CreateAsync(
            HttpFixture.Create(V.Map(("url", $"http://127.0.0.1:{port}/"), ("retry_until", "200ms"), ("interval", "50ms"))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains("no response", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("cannot connect", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_EndpointTurnsUnhealthy_ExistsWithHealthyFalse()
    {
        var healthy = true;
        await using var server = new LoopbackServer((context, _) =>
            Volatile.Read(ref healthy) ? LoopbackServer.WriteAsync(context, 200, "ok") : LoopbackServer.WriteAsync(context, 500, "broken"));
        await using var provider = await HttpFixture.StartAsync();
        var inputs = V.Map(("url", server.Url("/")));
        var created = await provider.CreateAsync(HttpFixture.Create(inputs), CancellationToken.None);
        var read = await provider.ReadAsync(Read(created, inputs), CancellationToken.None);
        Assert.True(read.Exists);
        Assert.Equal(created.Attributes, read.Attributes);

        Volatile.Write(ref healthy, false);
        var drifted = await provider.ReadAsync(Read(created, inputs), CancellationToken.None);
        Assert.True(drifted.Exists);
        Assert.Null(drifted.Error);
        Assert.Equal(created.Id, drifted.Id);
        Assert.Equal(Value.False, HttpFixture.Attr(drifted.Attributes!, "healthy"));
        Assert.Equal(Value.Number(500), HttpFixture.Attr(drifted.Attributes!, "status"));
    }

    [Fact]
    public async Task Read_ServerGone_ExistsWithHealthyFalseAndNoStatus()
    {
        var port = LoopbackPort.Free();
        await using var provider = await HttpFixture.StartAsync();
        var inputs = V.Map(("url", $"http://127.0.0.1:{port}/"));
        var read = await provider.ReadAsync(new ReadRequest { Type = "http.check", Address = "http.check.web", Id = "x", Inputs = inputs }, CancellationToken.None);
        Assert.True(read.Exists);
        Assert.Equal(Value.False, HttpFixture.Attr(read.Attributes!, "healthy"));
        Assert.Equal(Value.Null, HttpFixture.Attr(read.Attributes!, "status"));
    }

    [Fact]
    public async Task Delete_Succeeds()
    {
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.DeleteAsync(
            new DeleteRequest { Type = "http.check", Address = "http.check.web", Id = "check-1", Attributes = Value.EmptyMap, IdempotencyKey = "op" }, CancellationToken.None);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task Create_SecretHeader_IsSentAndKeptSensitive()
    {
        await using var server = new LoopbackServer((context, _) =>
            LoopbackServer.WriteAsync(context, context.Request.Headers["Authorization"] == "Bearer s3cret" ? 200 : 401, string.Empty));
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.CreateAsync(
            HttpFixture.Create(V.Map(("url", server.Url("/")), ("headers", V.Map(("Authorization", "Bearer s3cret"), ("X-Trace", "1"))))), CancellationToken.None);
        Assert.Null(result.Error);
        var headers = HttpFixture.Attr(result.Attributes!, "headers").AsMap();
        Assert.True(headers["Authorization"].IsSensitive);
        Assert.False(headers["X-Trace"].IsSensitive);
    }

    [Fact]
    public async Task Create_RedirectToAnotherHost_IsNotFollowed()
    {
        await using var other = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 200, "elsewhere"));
        await using var server = new LoopbackServer((context, _) =>
            LoopbackServer.WriteAsync(context, 302, string.Empty, ("Location", $"http://localhost:{other.Port}/")));
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.CreateAsync(HttpFixture.Create(V.Map(("url", server.Url("/")), ("retry_until", "0ms"))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains("not followed", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, other.Requests);
    }

    [Fact]
    public async Task Create_RedirectToTheSameHost_IsFollowed()
    {
        await using var server = new LoopbackServer((context, _) => context.Request.Url!.AbsolutePath == "/old"
            ? LoopbackServer.WriteAsync(context, 301, string.Empty, ("Location", "/new"))
            : LoopbackServer.WriteAsync(context, 200, "moved here"));
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.CreateAsync(HttpFixture.Create(V.Map(("url", server.Url("/old")))), CancellationToken.None);
        Assert.Null(result.Error);
        Assert.Equal(Value.String("moved here"), HttpFixture.Attr(result.Attributes!, "body"));
    }

    [Fact]
    public async Task Create_SlowServer_TimesOutPerRequest()
    {
        await using var server = new LoopbackServer(async (context, _) =>
        {
            await Task.Delay(10_000);
            await LoopbackServer.WriteAsync(context, 200, "late");
        });
        await using var provider = await HttpFixture.StartAsync(("timeout", "200ms"));
        var clock = Stopwatch.StartNew();
        var result = await provider.CreateAsync(HttpFixture.Create(V.Map(("url", server.Url("/")), ("retry_until", "0ms"))), CancellationToken.None);
        // It gave up long before the server would have answered (10 s), however loaded the machine is.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
        Assert.Contains("no response within 0.2s", result.Error!.Message, StringComparison.Ordinal);
    }

    private static ReadRequest Read(ResourceResult created, Value inputs) => new()
    {
        Type = "http.check",
        Address = "http.check.web",
        Id = created.Id,
        Inputs = inputs,
        Attributes = created.Attributes,
    };
}
