using Baton.Providers.S3;

namespace Baton.Providers.Tests.S3;

public sealed class S3EndpointTests
{
    [Fact]
    public void Create_NoEndpoint_IsAwsWithVirtualHosts()
    {
        var (endpoint, _, error) = S3Endpoint.Create(null, "eu-west-1", null, null, null);

        Assert.Null(error);
        Assert.False(endpoint!.ForcePathStyle);
        Assert.Equal("https://s3.eu-west-1.amazonaws.com", endpoint.Display);
        Assert.Equal("https://logs.s3.eu-west-1.amazonaws.com", endpoint.BucketUrl("logs"));
        Assert.Equal("https://logs.s3.eu-west-1.amazonaws.com/a%20b/c.txt", endpoint.ObjectUrl("logs", "a b/c.txt"));
    }

    [Fact]
    public void Create_Endpoint_DefaultsToPathStyle()
    {
        var (endpoint, _, _) = S3Endpoint.Create("http://127.0.0.1:9000/", null, "id", "secret", null);

        Assert.True(endpoint!.ForcePathStyle);
        Assert.Equal("us-east-1", endpoint.Region);
        Assert.Equal("http://127.0.0.1:9000/logs", endpoint.BucketUrl("logs"));
    }

    [Fact]
    public void Create_EndpointWithVirtualHosts_PutsTheBucketInTheHost()
    {
        var (endpoint, _, _) = S3Endpoint.Create("https://storage.example.com", null, null, null, false);

        Assert.Equal("https://logs.storage.example.com", endpoint!.BucketUrl("logs"));
    }

    [Fact]
    public void ToString_NeverShowsTheSecret()
    {
        var (endpoint, _, _) = S3Endpoint.Create("http://127.0.0.1:9000", null, "id", "the-secret-key", null);

        Assert.DoesNotContain("the-secret-key", endpoint!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("the-secret-key", $"{endpoint}", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url", "endpoint")]
    [InlineData("http://user:pw@host", "endpoint")]
    public void Create_BadEndpoint_NamesTheSetting(string url, string setting)
    {
        var (endpoint, named, error) = S3Endpoint.Create(url, null, null, null, null, prefix: "to_");

        Assert.Null(endpoint);
        Assert.Equal("to_" + setting, named);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("my.bucket-1", true)]
    [InlineData("a-bucket-name-that-is-exactly-sixty-three-characters-long-xxxxx", true)]
    [InlineData("a-bucket-name-that-is-exactly-sixty-four-characters-long-xxxxxxx", false)]
    [InlineData("bucket-", false)]
    [InlineData("bucket--ol-s3", false)]
    [InlineData("UPPER", false)]
    public void BucketNames_FollowS3Rules(string name, bool valid) =>
        Assert.Equal(valid, BucketNames.Problem(name) is null);
}
