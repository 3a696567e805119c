using Baton.Providers.Http;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Http;

public sealed class HttpValidationTests
{
    [Theory]
    [InlineData("ftp://example.com/file", "scheme \"ftp\"")]
    [InlineData("http://", "url:")]
    [InlineData("example.com/healthz", "not an absolute URL")]
    public async Task Validate_BadUrl_NamesTheAttribute(string url, string expected)
    {
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.ValidateAsync(new ValidateRequest("http.check", "http.check.web", V.Map(("url", url))), CancellationToken.None);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.StartsWith("url:", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(expected, diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("http.check.web", diagnostic.Subject);
    }

    [Fact]
    public async Task Validate_UnknownUrl_IsFine()
    {
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.ValidateAsync(new ValidateRequest("http.check", "http.check.web", V.Map(("url", Value.Unknown(BatonType.String)))), CancellationToken.None);
        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [InlineData("expect_status", 42)]
    [InlineData("retry_until", "soon")]
    [InlineData("method", "GET /")]
    public async Task Validate_BadInput_NamesTheAttribute(string name, object value)
    {
        await using var provider = await HttpFixture.StartAsync();
        var result = await provider.ValidateAsync(
            new ValidateRequest("http.check", "http.check.web", V.Map(("url", "http://127.0.0.1/"), (name, value))), CancellationToken.None);
        Assert.StartsWith(name + ":", Assert.Single(result.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowedHosts_OtherHost_IsRefusedEverywhere()
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 200, "ok"));
        await using var provider = await HttpFixture.StartAsync(("allowed_hosts", Value.List(Value.String("example.com"))));
        var validate = await provider.ValidateAsync(new ValidateRequest("http.check", "http.check.web", V.Map(("url", server.Url()))), CancellationToken.None);
        Assert.Contains("allowed_hosts", Assert.Single(validate.Diagnostics).Message, StringComparison.Ordinal);
        var create = await provider.CreateAsync(HttpFixture.Create(V.Map(("url", server.Url()))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, create.Error?.Kind);
        var invoke = await provider.InvokeAsync(HttpFixture.Invoke(V.Map(("url", server.Url()))), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, invoke.Error?.Kind);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task AllowedHosts_ListedHost_IsAllowed()
    {
        await using var server = new LoopbackServer((context, _) => LoopbackServer.WriteAsync(context, 200, "ok"));
        await using var provider = await HttpFixture.StartAsync(("allowed_hosts", Value.List(Value.String("127.0.0.1"))));
        var create = await provider.CreateAsync(HttpFixture.Create(V.Map(("url", server.Url()))), CancellationToken.None);
        Assert.Null(create.Error);
    }

    [Theory]
    [InlineData("timeout", "fast")]
    [InlineData("timeout", "0ms")]
    [InlineData("allowed_hosts", "example.com")]
    public async Task Factory_BadSetting_IsRefusedNamingIt(string setting, string value)
    {
        var problem = Assert.Single(await new HttpProviderFactory().RefusedAsync(HttpFixture.Configuration((setting, value))));
        Assert.Equal(setting, problem.Setting);
    }

    [Fact]
    public void Schema_DeclaresTheFamily()
    {
        var schema = new HttpProviderFactory().Schema;
        Assert.Equal("http", schema.Family);
        Assert.NotNull(schema.ResourceType("http.check"));
        Assert.Contains(schema.Actions, a => a.Name == "http.request");
        var attribute = Assert.Single(typeof(HttpProviderFactory).Assembly.GetCustomAttributes(typeof(BatonProviderAttribute), false));
        Assert.Equal(typeof(HttpProviderFactory), ((BatonProviderAttribute)attribute).FactoryType);
    }
}
