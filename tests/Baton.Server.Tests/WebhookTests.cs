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

    [Fact]
    public async Task Webhook_SameSignedRequestAgain_Is409AndStartsNoSecondRun_EvenAfterARestart()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var key = WebhookKeys.Derive(server.StackKey, "hook");
        var signature = Sign(key, DateTimeOffset.UtcNow, Body);

        using var first = await PostAsync(server, "hook", Body, signature);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var run = (await ServerHarness.ReadJsonAsync(first)).GetProperty("id").GetString()!;
        await server.WaitForRunAsync(run, "succeeded");

        // The same request again, the same signature in upper-case hexadecimal with its parts swapped, and the same
        // request after the control plane restarted: none starts a run.
        var parts = signature.Split(',');
        var respelled = $"{parts[1].ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal)}, {parts[0]}";
        foreach (var replay in new[] { signature, respelled })
        {
            using var again = await PostAsync(server, "hook", Body, replay);
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("already accepted", (await ServerHarness.ReadJsonAsync(again)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await server.RestartAsync();
        using (var afterRestart = await PostAsync(server, "hook", Body, signature))
        {
            Assert.Equal(HttpStatusCode.Conflict, afterRestart.StatusCode);
        }

        Assert.Equal([run], (await server.GetJsonAsync("/api/stacks/web/runs")).EnumerateArray().Select(r => r.GetProperty("id").GetString()));

        // A new signature of the same body (a later timestamp) is a new request.
        using var fresh = await PostAsync(server, "hook", Body, Sign(key, DateTimeOffset.UtcNow.AddSeconds(2), Body));
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.Equal(2, (await server.GetJsonAsync("/api/stacks/web/runs")).GetArrayLength());
    }

    [Fact]
    public async Task Webhook_SameSignedRequestSentTwentyTimesAtOnce_StartsOneRun()
    {
        await using var server = await ServerHarness.StartAsync(TestStacks.Web);
        var key = WebhookKeys.Derive(server.StackKey, "hook");
        var signature = Sign(key, DateTimeOffset.UtcNow, Body);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await PostAsync(server, "hook", Body, signature);
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(19, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(1, (await server.GetJsonAsync("/api/stacks/web/runs")).GetArrayLength());
    }

    [Fact]
    public async Task DocsExample_SignedWithOpensslAndSentWithCurl_StartsTheRun()
    {
        const string Deploy = """
              deploy:
                webhook: true
                inputs:
                  version: { type: string }
                steps:
                  say: { uses: exec, with: { command: [echo, "deploying ${inputs.version}"] } }
            """;
        await using var server = await ServerHarness.StartAsync(TestStacks.Web + "\n" + Deploy);
        var page = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "control-plane.md"));
        var section = page.IndexOf("\n### Signing a webhook request\n", StringComparison.Ordinal);
        Assert.True(section > 0, "docs/control-plane.md has no section on signing webhooks");
        var start = page.IndexOf("```bash\n", section, StringComparison.Ordinal) + "```bash\n".Length;
        var example = page[start..page.IndexOf("```", start, StringComparison.Ordinal)];
        const string Documented = "http://127.0.0.1:8140/api/stacks/mystack/";
        Assert.Contains(Documented, example, StringComparison.Ordinal);

        var script = "set -euo pipefail\nbaton() { dotnet \"$BATON_DLL\" \"$@\"; }\n"
            + example.Replace(Documented, server.Plane.Address + "api/stacks/web/", StringComparison.Ordinal);
        var info = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = server.Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.Environment["BATON_DLL"] = BatonProcess.CliPath;
        info.Environment["BATON_SECRET_KEY"] = Convert.ToBase64String(server.StackKey);
        info.Environment["NO_COLOR"] = "1";
        using var bash = System.Diagnostics.Process.Start(info)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ServerHarness.Patience);
        await bash.WaitForExitAsync(timeout.Token);

        Assert.True(bash.ExitCode == 0, await stderr);
        using var created = System.Text.Json.JsonDocument.Parse(await stdout);
        Assert.Equal("deploy", created.RootElement.GetProperty("workflow").GetString());
        var run = await server.WaitForRunAsync(created.RootElement.GetProperty("id").GetString()!, "succeeded");
        Assert.Equal("deploying 1.4.2\n", run.GetProperty("steps")[0].GetProperty("outputs").GetProperty("stdout").GetString());
    }
}
