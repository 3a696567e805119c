using System.Reflection;
using System.Text.Json.Nodes;
using Baton.Cli.Tests;
using Baton.Providers.Tests.Postgres;
using Baton.Providers.Tests.S3;

namespace Baton.Examples.Tests;

/// <summary>examples/shop copied into a temporary directory with a variable file pointing at the test's own servers.</summary>
internal static class ShopStack
{
    /// <summary>Copies the stack into <paramref name="directory"/> and writes its variables; returns the variable file.</summary>
    public static async Task<string> PrepareAsync(string directory, PostgresServer postgres, S3rverServer s3, string bucket, IReadOnlyDictionary<string, JsonNode>? extra = null)
    {
        Directory.CreateDirectory(directory);
        File.Copy(Path.Combine(RepositoryPaths.Examples, "shop", "baton.yaml"), Path.Combine(directory, "baton.yaml"));
        var configuration = typeof(ShopStack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;
        var app = Path.Combine(RepositoryPaths.Examples, "shop", "app", "bin", configuration, "net10.0", "Shop.dll");
        Assert.True(File.Exists(app), $"the shop application is built with the solution; {app} is missing");
        var variables = new JsonObject
        {
            ["app"] = app,
            ["listen"] = PostgresServer.FreePort(),
            ["pg_host"] = postgres.Host,
            ["pg_port"] = postgres.Port,
            ["pg_user"] = postgres.User,
            ["pg_password"] = postgres.Password,
            ["s3_endpoint"] = s3.Endpoint,
            ["s3_access_key"] = S3rverServer.AccessKey,
            ["s3_secret_key"] = S3rverServer.SecretKey,
            ["bucket"] = bucket,
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, JsonNode>())
        {
            variables[name] = value.DeepClone();
        }

        var file = Path.Combine(directory, "vars.json");
        await File.WriteAllTextAsync(file, variables.ToJsonString());
        return file;
    }
}
