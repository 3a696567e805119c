using Amazon.S3.Model;
using Baton.Providers.S3;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.S3;

[Collection(S3Collection.Name)]
public sealed class S3BucketConformanceTests(S3rverServer server) : ProviderConformance, IConformanceObserver
{
    private readonly string _name = "conf-bucket-" + Guid.NewGuid().ToString("N")[..12];

    protected override IProviderFactory Factory { get; } = new S3ProviderFactory();

    protected override ProviderConfiguration Configuration => S3ProviderTests.ConfigurationFor(server, Path.GetTempPath());

    protected override string ResourceType => "s3.bucket";

    protected override Value ValidInputs => V.Map(("name", _name));

    protected override Value ChangedInputs => V.Map(("name", _name), ("force_destroy", true));

    protected override Value? ReplacingInputs => V.Map(("name", _name + "-b"));

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(["id", "arn", "url", "endpoint"], StringComparer.Ordinal);

    public int CountRealObjects(string address, string id)
    {
        using var client = server.CreateClient();
        var buckets = client.ListBucketsAsync(new ListBucketsRequest()).GetAwaiter().GetResult().Buckets ?? [];
        return buckets.Count(b => b.BucketName == id);
    }
}

[Collection(S3Collection.Name)]
public sealed class S3ObjectConformanceTests(S3rverServer server) : ProviderConformance, IConformanceObserver
{
    private readonly string _bucket = "conf-object-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _key = "conformance/" + Guid.NewGuid().ToString("N")[..8] + ".txt";

    protected override IProviderFactory Factory { get; } = new S3ProviderFactory();

    protected override ProviderConfiguration Configuration => S3ProviderTests.ConfigurationFor(server, Path.GetTempPath());

    protected override string ResourceType => "s3.object";

    protected override Value ValidInputs => V.Map(("bucket", _bucket), ("key", _key), ("content", "first content"));

    protected override Value ChangedInputs => V.Map(("bucket", _bucket), ("key", _key), ("content", "second, longer content"), ("content_type", "text/plain"));

    protected override Value? ReplacingInputs => V.Map(("bucket", _bucket), ("key", _key + ".moved"), ("content", "first content"));

    protected override string MissingId => _bucket + "/missing-" + Guid.NewGuid().ToString("N");

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(["id", "url", "content_sha256"], StringComparer.Ordinal);

    public override async Task InitializeAsync()
    {
        await server.CreateBucketAsync(_bucket);
        await base.InitializeAsync();
    }

    public int CountRealObjects(string address, string id)
    {
        using var client = server.CreateClient();
        var key = id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var listed = client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = key }).GetAwaiter().GetResult().S3Objects ?? [];
        return listed.Count(o => o.Key == key);
    }
}
