using System.Net;
using System.Security.Cryptography;
using System.Text;
using Baton.Server.Api;
using Baton.Server.Security;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>Workflows started by HMAC-signed webhooks, and every way a request is refused.</summary>
public sealed class WebhookTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"inputs":{"name":"alice"}}""");

    private static string Sign(byte[] key, DateTimeOffset at, byte[] body)
    {
        var unix = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"t={unix},sha256={Convert.ToHexStringLower(HMACSHA256.HashData(key, (byte[])[.. Encoding.ASCII.GetBytes(unix + "."), .. body]))}";
    }

    private static async Task<HttpResponseMessage> PostAsync(ServerHarness server, string workflow, byte[] body, string? signature)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/stacks/web/webhooks/{workflow}", UriKind.Relative)) { Content = content };
        if (signature is not null)
        {
            request.Headers.Add(WebhookSignature.Header, signature);
        }

        return await server.Client(null).SendAsync(request);
    }

    private static async Task AssertRefusedAsync(ServerHarness server, HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await server.GetJsonAsync("/api/stacks/web/runs")).EnumerateArray());
    }

    [Fact]
    public async Task Webhook_CorrectlySigned_Is201AndTheRunStartsWithTheBodysInputs()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var key = WebhookKeys.Derive(server.StackKey, "hook");

        using var response = await PostAsync(server, "hook", Body, Sign(key, DateTimeOffset.UtcNow, Body));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await ServerHarness.ReadJsonAsync(response);
        Assert.Equal("webhook", created.GetProperty("trigger").GetString());
        var run = await server.WaitForRunAsync(created.GetProperty("id").GetString()!, "succeeded");
        Assert.Equal("hook alice\n", run.GetProperty("steps")[0].GetProperty("outputs").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task Webhook_Unsigned_Is401()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);

        using var response = await PostAsync(server, "hook", Body, signature: null);

        await AssertRefusedAsync(server, response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Webhook_SignedWithAnotherWorkflowsKey_Is401()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var key = WebhookKeys.Derive(server.StackKey, "hello");

        using var response = await PostAsync(server, "hook", Body, Sign(key, DateTimeOffset.UtcNow, Body));

        await AssertRefusedAsync(server, response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Webhook_TimestampTenMinutesOld_Is401()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var key = WebhookKeys.Derive(server.StackKey, "hook");

        using var response = await PostAsync(server, "hook", Body, Sign(key, DateTimeOffset.UtcNow.AddMinutes(-10), Body));

        await AssertRefusedAsync(server, response, HttpStatusCode.Unauthorized);
        Assert.Contains("5 minutes", (await ServerHarness.ReadJsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_BodyTamperedAfterSigning_Is401()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var key = WebhookKeys.Derive(server.StackKey, "hook");
        var signature = Sign(key, DateTimeOffset.UtcNow, Body);

        using var response = await PostAsync(server, "hook", Encoding.UTF8.GetBytes("""{"inputs":{"name":"mallory"}}"""), signature);

        await AssertRefusedAsync(server, response, HttpStatusCode.Unauthorized);
        Assert.Contains("does not match", (await ServerHarness.ReadJsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_ForAWorkflowWithoutWebhookTrue_Is404EvenWhenSigned()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var key = WebhookKeys.Derive(server.StackKey, "hello");

        using var response = await PostAsync(server, "hello", "{}"u8.ToArray(), Sign(key, DateTimeOffset.UtcNow, "{}"u8.ToArray()));

        await AssertRefusedAsync(server, response, HttpStatusCode.NotFound);
        Assert.Contains("webhook: true", (await ServerHarness.ReadJsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
