using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Baton.Examples.Tests;

/// <summary>What both shop variants must do through their load balancer, checked the same way for each.</summary>
internal static class ShopChecks
{
    /// <summary>Runs baton in <paramref name="stack"/>; fails unless it exits <paramref name="expectedExit"/> and leaves <paramref name="secret"/> out of its output.</summary>
    public static async Task<(int ExitCode, string Out, string Error)> BatonAsync(ITestOutputHelper output, string stack, TimeSpan timeout, string secret, int expectedExit, params string[] args)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await BatonProcess.RunAsync(stack, timeout, args);
        output.WriteLine($"$ baton {string.Join(' ', args.Where(a => !a.StartsWith('/')))} -> {result.ExitCode} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        if (result.ExitCode != expectedExit)
        {
            Assert.Fail($"baton {string.Join(' ', args)} exited {result.ExitCode}, expected {expectedExit}\n{result.Out}\n{result.Error}");
        }

        Assert.DoesNotContain(secret, result.Out + result.Error, StringComparison.Ordinal);
        return result;
    }

    /// <summary>60 requests for /products through the balancer: each lists the catalogue from PostgreSQL, and together they are answered by exactly <paramref name="endpoints"/>.</summary>
    public static async Task ServedByEveryReplicaAsync(HttpClient client, Uri url, IReadOnlyList<string> endpoints)
    {
        var served = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 60; i++)
        {
            using var response = await client.GetAsync(new Uri(url, "/products"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var products = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
            Assert.Contains(products, p => p!["name"]!.GetValue<string>() == "Tuning fork — A440");
            var instance = response.Headers.GetValues("X-Shop-Instance").Single();
            served[instance] = served.GetValueOrDefault(instance) + 1;
        }

        Assert.Equal(endpoints.Order(StringComparer.Ordinal), served.Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>An upload of <paramref name="lines"/> repetitions of <paramref name="line"/> lands in the bucket whole, streamed through the balancer and a replica.</summary>
    public static async Task UploadLandsInBucketAsync(HttpClient client, Uri url, S3rverServer s3, string bucket, string line, int lines)
    {
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, lines)));
        using var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new("text/plain");
        using var response = await client.PostAsync(new Uri(url, "/upload"), content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        using var s3Client = s3.CreateClient();
        var head = await s3Client.GetObjectMetadataAsync(bucket, stored["key"]!.GetValue<string>());
        Assert.Equal(payload.Length, head.ContentLength);
    }

    /// <summary>
    /// Runs <paramref name="rollout"/> (an apply from version 1 to version 2) under a client loop on /products through
    /// the balancer: at least 50 requests, none failed, both versions answering.
    /// </summary>
    public static async Task RollsOutWithoutAFailedRequestAsync(ITestOutputHelper output, Uri url, Func<Task> rollout)
    {
        await using var load = LoadLoop.Start(new Uri(url, "/products"));
        await Task.Delay(500);
        await rollout();
        await Task.Delay(500);
        await load.StopAsync();
        output.WriteLine($"rollout: {load.Requests} requests, {load.Failures.Count} failed; answered by " +
            string.Join(", ", load.Answers.Select(a => $"v{a.Key.Version}@{a.Key.Instance}={a.Value}")));
        Assert.True(load.Requests >= 50, $"the client loop sent only {load.Requests} requests during the rollout");
        Assert.Empty(load.Failures);
        Assert.Contains(load.Answers.Keys, a => a.Version == "1");
        Assert.Contains(load.Answers.Keys, a => a.Version == "2");
    }

    /// <summary>Writes <paramref name="values"/> into the variable file, so later commands without --var see them.</summary>
    public static async Task SetVariablesAsync(string varFile, params (string Name, JsonNode Value)[] values)
    {
        var variables = JsonNode.Parse(await File.ReadAllTextAsync(varFile))!.AsObject();
        foreach (var (name, value) in values)
        {
            variables[name] = value;
        }

        await File.WriteAllTextAsync(varFile, variables.ToJsonString());
    }
}
