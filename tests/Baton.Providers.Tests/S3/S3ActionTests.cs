using System.Security.Cryptography;
using Amazon.S3.Model;
using Baton.Providers.S3;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.S3;

[Collection(S3Collection.Name)]
public sealed class S3ActionTests(S3rverServer server) : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _stack = new();
    private IProvider? _provider;

    private IProvider Provider => _provider!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_stack.Combine("data"));
        _provider = await new S3ProviderFactory().StartAsync(S3ProviderTests.ConfigurationFor(server, _stack.Path, fileRoot: "data"));
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    public void Dispose() => _stack.Dispose();

    [Fact]
    public async Task PutThenGet_SeveralMegabytes_RoundTripsByteForByte()
    {
        // 20 MiB: above the 16 MiB threshold, so the upload is multipart.
        var bucket = await NewBucketAsync();
        var source = _stack.Combine("data", "backup.bin");
        await WriteRandomFileAsync(source, 20 * 1024 * 1024);

        var put = await InvokeAsync("s3.put", V.Map(("bucket", bucket), ("key", "backups/backup.bin"), ("source", "data/backup.bin")));
        var get = await InvokeAsync("s3.get", V.Map(("bucket", bucket), ("key", "backups/backup.bin"), ("destination", "data/restored.bin")));

        var putOutputs = put.AsMap();
        Assert.Equal("backups/backup.bin", putOutputs["key"].AsString());
        Assert.Equal(20 * 1024 * 1024, putOutputs["bytes"].AsNumber());
        Assert.False(string.IsNullOrEmpty(putOutputs["etag"].AsString()));
        var getOutputs = get.AsMap();
        Assert.Equal(_stack.Combine("data", "restored.bin"), getOutputs["path"].AsString());
        Assert.Equal(20 * 1024 * 1024, getOutputs["bytes"].AsNumber());
        Assert.Equal(putOutputs["etag"], getOutputs["etag"]);
        Assert.Equal(await Sha256Async(source), await Sha256Async(_stack.Combine("data", "restored.bin")));
        Assert.Empty(Directory.GetFiles(_stack.Combine("data"), "*.tmp"));
    }

    [Fact]
    public async Task Get_OverExistingFile_ReplacesIt()
    {
        var bucket = await NewBucketAsync();
        await System.IO.File.WriteAllTextAsync(_stack.Combine("data", "in.txt"), "new content");
        await System.IO.File.WriteAllTextAsync(_stack.Combine("data", "out.txt"), "old content that is longer");
        await InvokeAsync("s3.put", V.Map(("bucket", bucket), ("key", "x.txt"), ("source", "data/in.txt")));

        await InvokeAsync("s3.get", V.Map(("bucket", bucket), ("key", "x.txt"), ("destination", "data/out.txt")));

        Assert.Equal("new content", await System.IO.File.ReadAllTextAsync(_stack.Combine("data", "out.txt")));
    }

    [Fact]
    public async Task Get_MissingKey_IsPermanentNamingIt()
    {
        var bucket = await NewBucketAsync();

        var result = await Provider.InvokeAsync(NewRequest("s3.get", V.Map(("bucket", bucket), ("key", "nope.txt"), ("destination", "data/nope.txt"))), CancellationToken.None);

        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains("\"nope.txt\"", result.Error!.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(_stack.Combine("data", "nope.txt")));
        Assert.Empty(Directory.GetFiles(_stack.Combine("data"), "*.tmp"));
    }

    [Fact]
    public async Task List_Prefix_ReturnsItsObjectsInKeyOrderBounded()
    {
        var bucket = await NewBucketAsync();
        using var client = server.CreateClient();
        foreach (var key in (string[])["logs/b.log", "logs/a.log", "logs/c.log", "other/z.log"])
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key, UseChunkEncoding = false });
        }

        var all = (await InvokeAsync("s3.list", V.Map(("bucket", bucket), ("prefix", "logs/")))).AsMap();
        var two = (await InvokeAsync("s3.list", V.Map(("bucket", bucket), ("prefix", "logs/"), ("max_keys", 2)))).AsMap();

        Assert.Equal(["logs/a.log", "logs/b.log", "logs/c.log"], all["keys"].AsList().Select(k => k.AsString()));
        Assert.Equal(3, all["count"].AsNumber());
        Assert.Equal(Value.False, all["truncated"]);
        var first = all["objects"].AsList()[0].AsMap();
        Assert.Equal("logs/a.log", first["key"].AsString());
        Assert.Equal("logs/a.log".Length, first["size"].AsNumber());
        Assert.EndsWith("Z", first["last_modified"].AsString(), StringComparison.Ordinal);
        Assert.Equal(["logs/a.log", "logs/b.log"], two["keys"].AsList().Select(k => k.AsString()));
        Assert.Equal(Value.True, two["truncated"]);
    }

    [Fact]
    public async Task Prune_KeepsTheNewestN()
    {
        var bucket = await NewBucketAsync();
        using var client = server.CreateClient();
        for (var i = 1; i <= 5; i++)
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"backups/{i}.dump", ContentBody = "dump " + i, UseChunkEncoding = false });
            await Task.Delay(30);
        }

        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "keep-me.txt", ContentBody = "outside the prefix", UseChunkEncoding = false });

        var outputs = (await InvokeAsync("s3.prune", V.Map(("bucket", bucket), ("prefix", "backups/"), ("keep", 2)))).AsMap();

        Assert.Equal(["backups/1.dump", "backups/2.dump", "backups/3.dump"], outputs["deleted"].AsList().Select(k => k.AsString()));
        Assert.Equal(["backups/5.dump", "backups/4.dump"], outputs["kept"].AsList().Select(k => k.AsString()));
        var left = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects!.Select(o => o.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["backups/4.dump", "backups/5.dump", "keep-me.txt"], left);
    }

    [Fact]
    public async Task Copy_SameEndpoint_CopiesBetweenBuckets()
    {
        var from = await NewBucketAsync();
        var to = await NewBucketAsync();
        await System.IO.File.WriteAllTextAsync(_stack.Combine("data", "a.txt"), "copied text");
        await InvokeAsync("s3.put", V.Map(("bucket", from), ("key", "a.txt"), ("source", "data/a.txt")));

        var outputs = (await InvokeAsync("s3.copy", V.Map(("bucket", from), ("key", "a.txt"), ("to_bucket", to), ("to_key", "b/a.txt")))).AsMap();

        Assert.Equal("b/a.txt", outputs["to_key"].AsString());
        Assert.Equal("copied text".Length, outputs["bytes"].AsNumber());
        Assert.Equal("copied text", await ReadTextAsync(server, to, "b/a.txt"));
    }

    [Fact]
    public async Task Copy_ToAnotherEndpoint_StreamsTheObjectAcross()
    {
        await using var other = await S3rverServer.StartAsync();
        var from = await NewBucketAsync();
        var to = S3ProviderTests.NewBucketName();
        await other.CreateBucketAsync(to);
        var source = _stack.Combine("data", "big.bin");
        await WriteRandomFileAsync(source, 3 * 1024 * 1024);
        await InvokeAsync("s3.put", V.Map(("bucket", from), ("key", "big.bin"), ("source", "data/big.bin")));

        var outputs = (await InvokeAsync("s3.copy", V.Map(
            ("bucket", from),
            ("key", "big.bin"),
            ("to_endpoint", other.Endpoint),
            ("to_bucket", to),
            ("to_access_key", S3rverServer.AccessKey),
            ("to_secret_key", Value.String(S3rverServer.SecretKey).AsSensitive())))).AsMap();

        Assert.Equal("big.bin", outputs["to_key"].AsString());
        Assert.Equal(3 * 1024 * 1024, outputs["bytes"].AsNumber());
        using var client = other.CreateClient();
        using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = to, Key = "big.bin" });
        await using var body = response.ResponseStream;
        Assert.Equal(await Sha256Async(source), Convert.ToHexStringLower(await SHA256.HashDataAsync(body)));
    }

    [Fact]
    public async Task Copy_ToEndpointDown_IsTransientNamingThatEndpoint()
    {
        var from = await NewBucketAsync();
        await System.IO.File.WriteAllTextAsync(_stack.Combine("data", "a.txt"), "x");
        await InvokeAsync("s3.put", V.Map(("bucket", from), ("key", "a.txt"), ("source", "data/a.txt")));
        var down = $"http://127.0.0.1:{LoopbackPort.Free()}";

        var result = await Provider.InvokeAsync(NewRequest("s3.copy", V.Map(("bucket", from), ("key", "a.txt"), ("to_endpoint", down), ("to_bucket", "elsewhere"))), CancellationToken.None);

        Assert.Equal(ProviderErrorKind.Transient, result.Error?.Kind);
        Assert.Contains(down, result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3.put", "source", "../outside.txt")]
    [InlineData("s3.put", "source", "/etc/hostname")]
    [InlineData("s3.get", "destination", "../stolen.txt")]
    public async Task Action_PathOutsideFileRoot_IsRefused(string action, string input, string path)
    {
        await System.IO.File.WriteAllTextAsync(_stack.Combine("outside.txt"), "not for upload");
        var inputs = Value.Map([new("bucket", Value.String("some-bucket")), new("key", Value.String("k")), new(input, Value.String(path))]);

        var result = await Provider.InvokeAsync(NewRequest(action, inputs), CancellationToken.None);

        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains("outside the root", result.Error!.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(_stack.Combine("stolen.txt")));
    }

    [Fact]
    public async Task List_MissingBucket_IsPermanentNamingIt()
    {
        var bucket = S3ProviderTests.NewBucketName();

        var result = await Provider.InvokeAsync(NewRequest("s3.list", V.Map(("bucket", bucket))), CancellationToken.None);

        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains($"the bucket \"{bucket}\" does not exist", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_EndpointDown_IsTransientNamingTheEndpoint()
    {
        var endpoint = $"http://127.0.0.1:{LoopbackPort.Free()}";
        await using var down = await new S3ProviderFactory().StartAsync(S3ProviderTests.ConfigurationFor(server, _stack.Path, endpoint: endpoint));

        var result = await down.InvokeAsync(NewRequest("s3.list", V.Map(("bucket", "some-bucket"))), CancellationToken.None);

        Assert.Equal(ProviderErrorKind.Transient, result.Error?.Kind);
        Assert.Contains(endpoint, result.Error!.Message, StringComparison.Ordinal);
    }

    private static InvokeRequest NewRequest(string action, Value inputs) =>
        new() { Action = action, Inputs = inputs, IdempotencyKey = "run/step/" + Guid.NewGuid().ToString("N")[..8] };

    private static async Task WriteRandomFileAsync(string path, int size)
    {
        var random = new Random(size);
        var block = new byte[1024 * 1024];
        await using var file = System.IO.File.Create(path);
        for (var written = 0; written < size; written += block.Length)
        {
            random.NextBytes(block);
            await file.WriteAsync(block.AsMemory(0, Math.Min(block.Length, size - written)));
        }
    }

    private static async Task<string> Sha256Async(string path)
    {
        await using var file = System.IO.File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
    }

    private static async Task<string> ReadTextAsync(S3rverServer server, string bucket, string key)
    {
        using var client = server.CreateClient();
        using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key });
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    private async Task<string> NewBucketAsync()
    {
        var name = S3ProviderTests.NewBucketName();
        await server.CreateBucketAsync(name);
        return name;
    }

    private async Task<Value> InvokeAsync(string action, Value inputs)
    {
        var result = await Provider.InvokeAsync(NewRequest(action, inputs), CancellationToken.None);
        Assert.Null(result.Error);
        return result.Outputs;
    }
}
