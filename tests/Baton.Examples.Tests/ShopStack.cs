using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Baton.Examples.Tests;

/// <summary>examples/shop copied into a temporary directory with a variable file pointing at the test's own servers.</summary>
internal static class ShopStack
{
    /// <summary>Copies the stack into <paramref name="directory"/> and writes its variables; returns the variable file.</summary>
    public static Task<string> PrepareAsync(string directory, PostgresServer postgres, S3rverServer s3, string bucket, IReadOnlyDictionary<string, JsonNode>? extra = null)
    {
        Directory.CreateDirectory(directory);
        File.Copy(Path.Combine(RepositoryPaths.Examples, "shop", "baton.yaml"), Path.Combine(directory, "baton.yaml"));
        var configuration = typeof(ShopStack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;
        var app = Path.Combine(RepositoryPaths.Examples, "shop", "app", "bin", configuration, "net10.0", "Shop.dll");
        Assert.True(File.Exists(app), $"the shop application is built with the solution; {app} is missing");
        return WriteVariablesAsync(directory, postgres, s3, bucket, new JsonObject { ["app"] = app }, extra);
    }

    /// <summary>
    /// Copies examples/shop-containers into <paramref name="directory"/>, makes the web image's build context in
    /// <c>out/image</c> with the example's own build-image.sh (as its README does), and writes its variables with
    /// <paramref name="engine"/> as the engine's address; returns the variable file.
    /// </summary>
    public static async Task<string> PrepareContainersAsync(string directory, string engine, PostgresServer postgres, S3rverServer s3, string bucket)
    {
        Directory.CreateDirectory(directory);
        var example = Path.Combine(RepositoryPaths.Examples, "shop-containers");
        File.Copy(Path.Combine(example, "baton.yaml"), Path.Combine(directory, "baton.yaml"));
        var start = new ProcessStartInfo(Path.Combine(example, "build-image.sh"))
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(directory, "out", "image"));
        using (var build = Process.Start(start) ?? throw new InvalidOperationException("build-image.sh did not start"))
        {
            var stdout = build.StandardOutput.ReadToEndAsync();
            var stderr = build.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await build.WaitForExitAsync(limit.Token);
            Assert.True(build.ExitCode == 0, $"build-image.sh exited {build.ExitCode}:\n{await stdout}\n{await stderr}");
        }

        Assert.True(File.Exists(Path.Combine(directory, "out", "image", "rootfs", "app", "Shop")), "build-image.sh made no application host");
        return await WriteVariablesAsync(directory, postgres, s3, bucket, new JsonObject { ["engine"] = engine }, extra: null);
    }

    private static async Task<string> WriteVariablesAsync(string directory, PostgresServer postgres, S3rverServer s3, string bucket, JsonObject own, IReadOnlyDictionary<string, JsonNode>? extra)
    {
        var variables = new JsonObject
        {
            ["listen"] = LoopbackPort.Free(),
            ["pg_host"] = postgres.Host,
            ["pg_port"] = postgres.Port,
            ["pg_user"] = postgres.User,
            ["pg_password"] = postgres.Password,
            ["s3_endpoint"] = s3.Endpoint,
            ["s3_access_key"] = S3rverServer.AccessKey,
            ["s3_secret_key"] = S3rverServer.SecretKey,
            ["bucket"] = bucket,
        };
        foreach (var (name, value) in own)
        {
            variables[name] = value?.DeepClone();
        }

        foreach (var (name, value) in extra ?? new Dictionary<string, JsonNode>())
        {
            variables[name] = value.DeepClone();
        }

        var file = Path.Combine(directory, "vars.json");
        await File.WriteAllTextAsync(file, variables.ToJsonString());
        return file;
    }
}
