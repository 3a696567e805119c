using Amazon.S3.Model;
using Baton.Providers.S3;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.S3;

[Collection(S3Collection.Name)]
public sealed class S3ProviderTests(S3rverServer server) : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _stack = new();
    private IProvider? _provider;

    private IProvider Provider => _provider!;

    public static ProviderConfiguration ConfigurationFor(S3rverServer server, string stackDirectory, string? fileRoot = null, string? endpoint = null, string? accessKey = null, string? secretKey = null) => new()
    {
        InstanceName = "s3",
        Settings = V.Map(
            ("endpoint", endpoint ?? server.Endpoint),
            ("access_key", accessKey ?? S3rverServer.AccessKey),
            ("secret_key", Value.String(secretKey ?? S3rverServer.SecretKey).AsSensitive()),
            ("file_root", fileRoot)),
        StackDirectory = stackDirectory,
        StateDirectory = Path.Combine(stackDirectory, ".baton"),
    };

    public async Task InitializeAsync() => _provider = await new S3ProviderFactory().StartAsync(ConfigurationFor(server, _stack.Path));

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    public void Dispose() => _stack.Dispose();

    [Theory]
    [InlineData("ab")]
    [InlineData("My_Bucket")]
    [InlineData("-starts-with-hyphen")]
    [InlineData("two..dots")]
    [InlineData("192.168.1.10")]
    [InlineData("xn--reserved")]
    public async Task Validate_InvalidBucketName_IsDiagnosedWithTheRule(string name)
    {
        var result = await Provider.ValidateAsync(new ValidateRequest("s3.bucket", "s3.bucket.bad", V.Map(("name", name))), CancellationToken.None);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(S3Provider.InvalidInputCode, diagnostic.Code);
        Assert.Equal("BT5701", diagnostic.Code);
        Assert.True(diagnostic.IsError);
        Assert.Contains(name, diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("bucket naming rules", diagnostic.Message, StringComparison.Ordinal);
        var create = await Provider.CreateAsync(new CreateRequest { Type = "s3.bucket", Address = "s3.bucket.bad", Inputs = V.Map(("name", name)), IdempotencyKey = "k" }, CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, create.Error?.Kind);
    }

    [Fact]
    public async Task Validate_ObjectWithBothContentAndSource_IsDiagnosed()
    {
        var result = await Provider.ValidateAsync(
            new ValidateRequest("s3.object", "s3.object.x", V.Map(("bucket", "some-bucket"), ("key", "k"), ("content", "a"), ("source", "a.txt"))),
            CancellationToken.None);

        Assert.Contains(result.Diagnostics, d => d.Code == "BT5701" && d.Message.Contains("not both", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_NonEmptyBucket_RefusedUntilForceDestroy()
    {
        var name = NewBucketName();
        var created = await CreateAsync("s3.bucket", V.Map(("name", name)));
        using var client = server.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "a.txt", ContentBody = "a", UseChunkEncoding = false });
        await client.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "dir/b.txt", ContentBody = "b", UseChunkEncoding = false });

        var refused = await DeleteAsync("s3.bucket", name, created.Attributes!);

        Assert.NotNull(refused.Error);
        Assert.Equal(ProviderErrorKind.Permanent, refused.Error!.Kind);
        Assert.Contains($"\"{name}\"", refused.Error.Message, StringComparison.Ordinal);
        Assert.Contains("2 objects", refused.Error.Message, StringComparison.Ordinal);
        Assert.Contains("force_destroy", refused.Error.Message, StringComparison.Ordinal);
        Assert.True((await ReadAsync("s3.bucket", name, created.Attributes)).Exists);

        var inputs = V.Map(("name", name), ("force_destroy", true));
        var updated = await Provider.UpdateAsync(
            new UpdateRequest { Type = "s3.bucket", Address = "s3.bucket.test", Id = name, PriorInputs = V.Map(("name", name)), PriorAttributes = created.Attributes!, Inputs = inputs, IdempotencyKey = NewKey() },
            CancellationToken.None);
        Assert.Null(updated.Error);
        Assert.Equal(Value.True, updated.Attributes!.AsMap()["force_destroy"]);

        var deleted = await DeleteAsync("s3.bucket", name, updated.Attributes!);

        Assert.Null(deleted.Error);
        Assert.False((await ReadAsync("s3.bucket", name, updated.Attributes)).Exists);
    }

    [Fact]
    public async Task Read_BucketDeletedOutside_IsGone()
    {
        var name = NewBucketName();
        var created = await CreateAsync("s3.bucket", V.Map(("name", name)));
        using var client = server.CreateClient();
        await client.DeleteBucketAsync(new DeleteBucketRequest { BucketName = name });

        var read = await ReadAsync("s3.bucket", name, created.Attributes);

        Assert.Null(read.Error);
        Assert.False(read.Exists);
    }

    [Fact]
    public async Task Create_BucketOutputs_NameTheEndpoint()
    {
        var name = NewBucketName();
        var created = await CreateAsync("s3.bucket", V.Map(("name", name)));

        var attributes = created.Attributes!.AsMap();
        Assert.Equal(server.Endpoint, attributes["endpoint"].AsString());
        Assert.Equal($"{server.Endpoint}/{name}", attributes["url"].AsString());
        Assert.Equal("arn:aws:s3:::" + name, attributes["arn"].AsString());
        Assert.Equal(Value.False, attributes["versioning"]);
        Assert.Equal(Value.EmptyMap, attributes["tags"]);
    }

    [Theory]
    [InlineData("versioning", "versioning")]
    [InlineData("tags", "tagging")]
    [InlineData("lifecycle_expiry_days", "lifecycle")]
    public async Task Create_FeatureS3rverLacks_FailsNamingTheFeature(string attribute, string feature)
    {
        // s3rver implements none of versioning, bucket tagging and lifecycle; they are only called when asked for.
        var name = NewBucketName();
        Value value = attribute switch
        {
            "versioning" => Value.True,
            "tags" => V.Map(("team", "ops")),
            _ => Value.Number(30),
        };
        var inputs = Value.Map([new("name", Value.String(name)), new(attribute, value)]);

        var result = await Provider.CreateAsync(new CreateRequest { Type = "s3.bucket", Address = "s3.bucket.test", Inputs = inputs, IdempotencyKey = NewKey() }, CancellationToken.None);

        Assert.NotNull(result.Error);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains($"bucket {feature}", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains($"leave {attribute} out", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains(server.Endpoint, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ObjectOverwrittenOutside_IsDriftAndPlansAnUpdate()
    {
        var bucket = await NewBucketAsync();
        var inputs = V.Map(("bucket", bucket), ("key", "config/app.json"), ("content", "{\"v\":1}"), ("content_type", "application/json"));
        var created = await CreateAsync("s3.object", inputs);
        using var client = server.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "config/app.json", ContentBody = "{\"v\":2,\"x\":true}", UseChunkEncoding = false });

        var read = await ReadAsync("s3.object", bucket + "/config/app.json", created.Attributes, inputs);

        Assert.True(read.Exists);
        var before = created.Attributes!.AsMap();
        var after = read.Attributes!.AsMap();
        Assert.NotEqual(before["etag"], after["etag"]);
        Assert.Equal(Value.Null, after["content_sha256"]);
        var plan = await Provider.PlanAsync(
            new PlanRequest { Type = "s3.object", Address = "s3.object.test", Inputs = inputs, PriorInputs = inputs, PriorAttributes = read.Attributes },
            CancellationToken.None);
        Assert.Empty(plan.RequiresReplace);
        Assert.Equal(before["content_sha256"], plan.PlannedAttributes.AsMap()["content_sha256"]);
        Assert.False(plan.PlannedAttributes.AsMap()["etag"].IsKnown);

        var repaired = await Provider.UpdateAsync(
            new UpdateRequest { Type = "s3.object", Address = "s3.object.test", Id = created.Id!, PriorInputs = inputs, PriorAttributes = read.Attributes!, Inputs = inputs, IdempotencyKey = NewKey() },
            CancellationToken.None);
        Assert.Null(repaired.Error);
        Assert.Equal(created.Attributes, repaired.Attributes);
    }

    [Fact]
    public async Task Read_ObjectDeletedOutside_IsGone()
    {
        var bucket = await NewBucketAsync();
        var created = await CreateAsync("s3.object", V.Map(("bucket", bucket), ("key", "gone.txt"), ("content", "x")));
        using var client = server.CreateClient();
        await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "gone.txt" });

        var read = await ReadAsync("s3.object", created.Id!, created.Attributes);

        Assert.Null(read.Error);
        Assert.False(read.Exists);
    }

    [Fact]
    public async Task Create_ObjectFromSourceFile_UploadsItAndPlansItsHash()
    {
        var bucket = await NewBucketAsync();
        var bytes = new byte[300_000];
        new Random(7).NextBytes(bytes);
        await System.IO.File.WriteAllBytesAsync(_stack.Combine("site.bin"), bytes);
        var inputs = V.Map(("bucket", bucket), ("key", "site.bin"), ("source", "site.bin"));

        var plan = await Provider.PlanAsync(new PlanRequest { Type = "s3.object", Address = "s3.object.site", Inputs = inputs }, CancellationToken.None);
        var created = await CreateAsync("s3.object", inputs);

        var attributes = created.Attributes!.AsMap();
        Assert.Equal(bytes.Length, attributes["size"].AsNumber());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), attributes["content_sha256"].AsString());
        Assert.Equal(attributes["content_sha256"], plan.PlannedAttributes.AsMap()["content_sha256"]);
        Assert.Equal($"{server.Endpoint}/{bucket}/site.bin", attributes["url"].AsString());
    }

    [Fact]
    public async Task Validate_SourceOutsideFileRoot_IsRefused()
    {
        var result = await Provider.ValidateAsync(
            new ValidateRequest("s3.object", "s3.object.x", V.Map(("bucket", "some-bucket"), ("key", "k"), ("source", "../../etc/passwd"))),
            CancellationToken.None);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(S3Provider.PathEscapeCode, diagnostic.Code);
        Assert.Contains("outside the root", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_EndpointDown_IsTransientNamingTheEndpoint()
    {
        var endpoint = $"http://127.0.0.1:{LoopbackPort.Free()}";
        const string secret = "a-secret-that-must-not-leak-123";
        await using var down = await new S3ProviderFactory().StartAsync(ConfigurationFor(server, _stack.Path, endpoint: endpoint, secretKey: secret));

        var read = await down.ReadAsync(new ReadRequest { Type = "s3.bucket", Address = "s3.bucket.test", Id = "some-bucket" }, CancellationToken.None);

        Assert.NotNull(read.Error);
        Assert.Equal(ProviderErrorKind.Transient, read.Error!.Kind);
        Assert.Contains(endpoint, read.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, read.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WrongCredentials_IsPermanentWithoutTheSecret()
    {
        const string secret = "wrong-secret-that-must-not-leak";
        await using var denied = await new S3ProviderFactory().StartAsync(ConfigurationFor(server, _stack.Path, accessKey: "NOT-S3RVER", secretKey: secret));

        var result = await denied.CreateAsync(
            new CreateRequest { Type = "s3.bucket", Address = "s3.bucket.test", Inputs = V.Map(("name", NewBucketName())), IdempotencyKey = NewKey() },
            CancellationToken.None);

        Assert.NotNull(result.Error);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error!.Kind);
        Assert.Contains("refused access", result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ObjectInMissingBucket_IsPermanentNamingTheBucket()
    {
        var bucket = NewBucketName();

        var result = await Provider.CreateAsync(
            new CreateRequest { Type = "s3.object", Address = "s3.object.test", Inputs = V.Map(("bucket", bucket), ("key", "k"), ("content", "x")), IdempotencyKey = NewKey() },
            CancellationToken.None);

        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains($"the bucket \"{bucket}\" does not exist", result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("access_key")]
    [InlineData("endpoint")]
    [InlineData("force_path_style")]
    public async Task CreateProvider_BadSetting_NamesIt(string setting)
    {
        var settings = setting switch
        {
            "access_key" => V.Map(("endpoint", server.Endpoint), ("access_key", "only-the-id")),
            "endpoint" => V.Map(("endpoint", "ftp://example.com")),
            _ => V.Map(("force_path_style", "yes")),
        };
        var configuration = new ProviderConfiguration { InstanceName = "s3", Settings = settings, StackDirectory = _stack.Path, StateDirectory = _stack.Path };

        var problems = await new S3ProviderFactory().RefusedAsync(configuration);

        Assert.Equal(setting == "access_key" ? "secret_key" : setting, Assert.Single(problems).Setting);
    }

    internal static string NewBucketName() => "test-" + Guid.NewGuid().ToString("N")[..16];

    private static string NewKey() => "op-" + Guid.NewGuid().ToString("N");

    private async Task<string> NewBucketAsync()
    {
        var name = NewBucketName();
        await server.CreateBucketAsync(name);
        return name;
    }

    private async Task<ResourceResult> CreateAsync(string type, Value inputs)
    {
        var result = await Provider.CreateAsync(new CreateRequest { Type = type, Address = type + ".test", Inputs = inputs, IdempotencyKey = NewKey() }, CancellationToken.None);
        Assert.Null(result.Error);
        return result;
    }

    private async Task<ReadResult> ReadAsync(string type, string id, Value? attributes, Value? inputs = null) =>
        await Provider.ReadAsync(new ReadRequest { Type = type, Address = type + ".test", Id = id, Attributes = attributes, Inputs = inputs }, CancellationToken.None);

    private async Task<DeleteResult> DeleteAsync(string type, string id, Value attributes) =>
        await Provider.DeleteAsync(new DeleteRequest { Type = type, Address = type + ".test", Id = id, Attributes = attributes, IdempotencyKey = NewKey() }, CancellationToken.None);
}
