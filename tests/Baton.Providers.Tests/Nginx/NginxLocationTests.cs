using System.Net;
using Baton.Providers.Nginx;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Nginx;

/// <summary><c>locations</c> against a real nginx: fixed answers, static directories, proxied paths, and what is refused.</summary>
public sealed class NginxLocationTests : IDisposable
{
    private const string Type = "nginx.site";
    private const string Address = "nginx.site.lb";

    private readonly NginxFixture _fixture = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public void Dispose()
    {
        _http.Dispose();
        _fixture.Dispose();
    }

    private static Value Upstream(params string[] servers) => Value.List(servers.Select(Value.String));

    private static string NewKey() => "op-" + Guid.NewGuid().ToString("N");

    private static async Task<ResourceResult> CreateAsync(IProvider provider, Value inputs) =>
        await provider.CreateAsync(new CreateRequest { Type = Type, Address = Address, Inputs = inputs, IdempotencyKey = NewKey() }, CancellationToken.None);

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.ConnectionClose = true;
        var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static async Task<IReadOnlyList<string>> DiagnosticsAsync(IProvider provider, Value locations)
    {
        var result = await provider.ValidateAsync(new ValidateRequest(Type, Address, V.Map(("listen", 8080), ("upstream", Upstream("127.0.0.1:9")), ("locations", locations))), CancellationToken.None);
        Assert.All(result.Diagnostics, d => Assert.Equal(NginxProvider.InvalidInputCode, d.Code));
        Assert.All(result.Diagnostics, d => Assert.Equal(Address, d.Subject));
        return [.. result.Diagnostics.Select(d => d.Message)];
    }

    [Fact]
    public async Task Create_Locations_ReturnStaticAndProxyEachAnswer()
    {
        Directory.CreateDirectory(Path.Combine(_fixture.Stack, "public"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(_fixture.Stack, "public", "hello.txt"), "static hello");
        Directory.CreateDirectory(Path.Combine(_fixture.Stack, "www", "files"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(_fixture.Stack, "www", "files", "f.txt"), "rooted file");
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(
            ("listen", LoopbackPort.Free()),
            ("upstream", Upstream(a)),
            ("locations", V.Map(
                ("/health", V.Map(("return", "200 all good"), ("headers", V.Map(("X-Baton", "yes"))))),
                ("/gone", V.Map(("return", 410))),
                ("/static/", V.Map(("alias", "public"))),
                ("/files/", V.Map(("root", "www"))),
                ("/api/", V.Map(("proxy", true), ("headers", V.Map(("X-Frame-Options", "DENY")))))))));
        Assert.Null(created.Error);
        var url = created.Attributes!.AsMap()["url"].AsString();

        var health = await GetAsync(url + "/health");
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("all good", health.Body);
        Assert.Equal("yes", health.Response.Headers.GetValues("X-Baton").Single());
        Assert.Equal(HttpStatusCode.Gone, (await GetAsync(url + "/gone")).Status);

        var file = await GetAsync(url + "/static/hello.txt");
        Assert.Equal(HttpStatusCode.OK, file.Status);
        Assert.Equal("static hello", file.Body);
        Assert.Equal("rooted file", (await GetAsync(url + "/files/f.txt")).Body);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(url + "/static/missing.txt")).Status);

        var api = await GetAsync(url + "/api/anything");
        Assert.Equal("a", api.Body);
        Assert.Equal("DENY", api.Response.Headers.GetValues("X-Frame-Options").Single());

        // "/" was not given: it proxies to the upstream as before.
        Assert.Equal("a", (await GetAsync(url + "/")).Body);
    }

    [Fact]
    public void Render_WithoutLocations_IsTheFileSitesHadBeforeLocations()
    {
        // Byte for byte: a site applied before locations existed shows no drift.
        var spec = SiteSpec.Read(V.Map(("listen", 8080), ("upstream", Upstream("127.0.0.1:9000"))), _fixture.Stack, [])!;
        Assert.Equal(
            "# Written by baton for site site-0123456789abcdef0123; changes are overwritten.\n"
            + "upstream baton_site_0123456789abcdef0123 {\n"
            + "    server \"127.0.0.1:9000\" max_fails=1 fail_timeout=10s;\n"
            + "}\n\n"
            + "server {\n"
            + "    listen 127.0.0.1:8080;\n"
            + "    proxy_connect_timeout 2000ms;\n"
            + "    location / {\n"
            + "        proxy_pass http://baton_site_0123456789abcdef0123;\n"
            + "        proxy_http_version 1.1;\n"
            + "        proxy_set_header Connection \"\";\n"
            + "        proxy_set_header Host $host;\n"
            + "        proxy_set_header X-Real-IP $remote_addr;\n"
            + "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
            + "        proxy_set_header X-Forwarded-Proto $scheme;\n"
            + "    }\n"
            + "}\n",
            spec.Render("site-0123456789abcdef0123"));
    }

    [Fact]
    public async Task Create_RootLocationReturns_NothingIsProxied()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("listen", LoopbackPort.Free()), ("upstream", Upstream(a)), ("locations", V.Map(("/", V.Map(("return", "503 maintenance")))))));
        Assert.Null(created.Error);
        var answer = await GetAsync(created.Attributes!.AsMap()["url"].AsString() + "/page");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal("maintenance", answer.Body);
    }

    [Fact]
    public async Task Create_StaticDirectoryMissing_FailsNamingTheLocation_AndWritesNothing()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var created = await CreateAsync(provider, V.Map(("listen", LoopbackPort.Free()), ("upstream", Upstream(a)), ("locations", V.Map(("/static/", V.Map(("alias", "not-made")))))));
        Assert.Equal(ProviderErrorKind.Permanent, created.Error!.Kind);
        Assert.Contains(Address, created.Error.Message, StringComparison.Ordinal);
        Assert.Contains("locations[\"/static/\"]", created.Error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", created.Error.Message, StringComparison.Ordinal);
        var sites = Path.Combine(_fixture.BaseDirectory, "sites");
        Assert.False(Directory.Exists(sites) && Directory.EnumerateFiles(sites).Any());
    }

    [Fact]
    public async Task Validate_InjectionAttempts_AreDiagnosticsNamingTheLocation()
    {
        await using var provider = await _fixture.StartAsync();

        var returnText = await DiagnosticsAsync(provider, V.Map(("/x", V.Map(("return", "200 ok\n}\nserver { listen 81; }")))));
        Assert.Equal("locations[\"/x\"]: return's text must not hold control characters (newlines, tabs, NUL)", Assert.Single(returnText));

        var path = await DiagnosticsAsync(provider, V.Map(("/x; } server {", V.Map(("proxy", true)))));
        Assert.StartsWith("locations[\"/x; } server {\"]: a location must be a path starting with \"/\"", Assert.Single(path), StringComparison.Ordinal);

        var header = await DiagnosticsAsync(provider, V.Map(("/x", V.Map(("proxy", true), ("headers", V.Map(("X-A; evil", "v"), ("X-B", "a\r\nSet-Cookie: x"), ("X-C", "$request_uri")))))));
        Assert.Equal(3, header.Count);
        Assert.All(header, m => Assert.StartsWith("locations[\"/x\"]: ", m, StringComparison.Ordinal));

        var escape = await DiagnosticsAsync(provider, V.Map(("/s/", V.Map(("root", "../outside"))), ("/t/", V.Map(("alias", "/etc"))), ("/u", V.Map(("alias", "public")))));
        Assert.Contains("locations[\"/s/\"]: root \"../outside\" leaves the stack directory", escape);
        Assert.Contains("locations[\"/t/\"]: alias must be relative to the stack directory, got \"/etc\"", escape);
        Assert.Contains(escape, m => m.StartsWith("locations[\"/u\"]: an alias location must end with \"/\"", StringComparison.Ordinal));

        var shape = await DiagnosticsAsync(provider, V.Map(("relative", V.Map(("proxy", true))), ("/two", V.Map(("proxy", true), ("return", 200))), ("/none", Value.EmptyMap), ("/code", V.Map(("return", "99 no"))), ("/what", V.Map(("rewrite", "x")))));
        Assert.Equal(6, shape.Count);
        Assert.Contains(shape, m => m.StartsWith("locations[\"relative\"]", StringComparison.Ordinal));
        Assert.Contains("locations[\"/two\"]: needs exactly one of proxy: true, return, root or alias", shape);
        Assert.Contains("locations[\"/none\"]: needs exactly one of proxy: true, return, root or alias", shape);
        Assert.Contains(shape, m => m.StartsWith("locations[\"/code\"]: return must be", StringComparison.Ordinal));
        Assert.Contains(shape, m => m.StartsWith("locations[\"/what\"]: unknown setting \"rewrite\"", StringComparison.Ordinal));

        Assert.Empty(await DiagnosticsAsync(provider, V.Map(("/ok/", V.Map(("alias", "public"), ("headers", V.Map(("Cache-Control", "max-age=60"))))))));
    }

    [Fact]
    public async Task Update_UpstreamHostDoesNotResolve_FailsNamingSiteAndNginxMessage_AndTheOldConfigStaysLive()
    {
        var a = _fixture.Backend("a");
        await using var provider = await _fixture.StartAsync();
        var port = LoopbackPort.Free();
        var inputs = V.Map(("listen", port), ("upstream", Upstream(a)));
        var created = await CreateAsync(provider, inputs);
        Assert.Null(created.Error);
        var file = created.Attributes!.AsMap()["config_file"].AsString();
        var before = await System.IO.File.ReadAllTextAsync(file);
        var sites = Path.Combine(_fixture.BaseDirectory, "sites");
        var filesBefore = Directory.GetFiles(sites);

        // Passes validation (a well-formed host:port) but not nginx -t: the host does not resolve.
        var bad = V.Map(("listen", port), ("upstream", Upstream("no-such-host.invalid:80")));
        Assert.Empty((await provider.ValidateAsync(new ValidateRequest(Type, Address, bad), CancellationToken.None)).Diagnostics);
        var updated = await provider.UpdateAsync(
            new UpdateRequest { Type = Type, Address = Address, Id = created.Id!, PriorInputs = inputs, PriorAttributes = created.Attributes!, Inputs = bad, IdempotencyKey = NewKey() },
            CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, updated.Error!.Kind);
        Assert.Contains(Address, updated.Error.Message, StringComparison.Ordinal);
        Assert.Contains("the previous one stays live", updated.Error.Message, StringComparison.Ordinal);
        Assert.Contains("host not found in upstream \"no-such-host.invalid:80\"", updated.Error.Message, StringComparison.Ordinal);

        Assert.Equal(before, await System.IO.File.ReadAllTextAsync(file));
        Assert.Equal(filesBefore, Directory.GetFiles(sites));
        Assert.Equal("a", (await GetAsync(created.Attributes!.AsMap()["url"].AsString() + "/")).Body);
    }
}
