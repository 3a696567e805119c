using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Http;

public sealed class HttpRequestActionTests
{
    [Fact]
    public async Task Invoke_Post_SendsBodyAndReturnsStatusBodyHeaders()
    {
        string? received = null;
        await using var server = new LoopbackServer(async (context, _) =>
        {
            using var reader = new StreamReader(context.Request.InputStream);
            received = $"{context.Request.HttpMethod} {await reader.ReadToEndAsync()} {context.Request.ContentType}";
            await LoopbackServer.WriteAsync(context, 201, "created", ("X-Request-Id", "abc"), ("Set-Cookie", "session=1"));
        });
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.InvokeAsync(HttpFixture.Invoke(V.Map(
            ("url", server.Url("/items")), ("method", "post"), ("body", "{\"a\":1}"), ("headers", V.Map(("Content-Type", "application/json"))))), CancellationToken.None);
        Assert.Null(result.Error);
        Assert.Equal("POST {\"a\":1} application/json", received);
        Assert.Equal(Value.Number(201), HttpFixture.Attr(result.Outputs, "status"));
        Assert.Equal(Value.String("created"), HttpFixture.Attr(result.Outputs, "body"));
        var headers = HttpFixture.Attr(result.Outputs, "headers").AsMap();
        Assert.Equal(Value.String("abc"), headers["x-request-id"]);
        Assert.True(headers["set-cookie"].IsSensitive);
    }

    [Fact]
    public async Task Invoke_RefusedConnection_IsTransient()
    {
        var port = LoopbackPort.Free();
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.InvokeAsync(HttpFixture.Invoke(V.Map(("url", $"http://127.0.0.1:{port}/"))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Transient, result.Error?.Kind);
        Assert.Contains("cannot connect", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_Timeout_IsTransient()
    {
        await using var server = new LoopbackServer(async (context, _) =>
        {
            await Task.Delay(2000);
            await LoopbackServer.WriteAsync(context, 200, "late");
        });
        await using var provider = await HttpFixture.StartAsync(("timeout", "150ms"));
        var result = await provider.InvokeAsync(HttpFixture.Invoke(V.Map(("url", server.Url("/")))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Transient, result.Error?.Kind);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task Invoke_RetryAfter_IsThrottledWithThatWait(int status)
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, status, "busy", ("Retry-After", "7")));
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.InvokeAsync(HttpFixture.Invoke(V.Map(("url", server.Url("/")))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Throttled, result.Error?.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), result.Error?.RetryAfter);
    }

    [Fact]
    public async Task Invoke_UnexpectedStatus_IsPermanent()
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 404, "no such item"));
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.InvokeAsync(HttpFixture.Invoke(V.Map(("url", server.Url("/")), ("expect_status", 200))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains("404", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("no such item", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_AnyStatusWithoutExpectStatus_Succeeds()
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 404, "missing"));
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.InvokeAsync(HttpFixture.Invoke(V.Map(("url", server.Url("/")))), CancellationToken.None);
        Assert.Null(result.Error);
        Assert.Equal(Value.Number(404), HttpFixture.Attr(result.Outputs, "status"));
    }
}
