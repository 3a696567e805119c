using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Baton.Providers.S3;

/// <summary>
/// Where and as whom the provider talks S3: an endpoint URL (null for AWS), the signing region, credentials and the
/// addressing style. Its <see cref="ToString"/> names the endpoint and never the secret key.
/// </summary>
internal sealed record S3Endpoint
{
    public string? Url { get; init; }

    public required string Region { get; init; }

    public string? AccessKey { get; init; }

    public string? SecretKey { get; init; }

    public required bool ForcePathStyle { get; init; }

    /// <summary>The endpoint's URL as shown in messages and outputs.</summary>
    public string Display => Url ?? $"https://s3.{Region}.amazonaws.com";

    /// <summary>
    /// A client for this endpoint. Checksums only where an operation requires them (S3-compatible servers such as
    /// s3rver do not know the newer checksum trailers), and at most one SDK retry: the engine retries transient errors
    /// itself, with backoff.
    /// </summary>
    public AmazonS3Client CreateClient()
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 1,
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (Url is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        }
        else
        {
            config.ServiceURL = Url;
            config.AuthenticationRegion = Region;
        }

        return AccessKey is null || SecretKey is null
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), config);
    }

    /// <summary>The URL of <paramref name="bucket"/>.</summary>
    public string BucketUrl(string bucket) =>
        ForcePathStyle ? $"{Display.TrimEnd('/')}/{bucket}"
        : Url is null ? $"https://{bucket}.s3.{Region}.amazonaws.com"
        : new UriBuilder(Url) { Host = bucket + "." + new Uri(Url).Host }.Uri.ToString().TrimEnd('/');

    /// <summary>The URL of <paramref name="key"/> in <paramref name="bucket"/>, each path segment escaped.</summary>
    public string ObjectUrl(string bucket, string key) =>
        BucketUrl(bucket) + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    /// <summary>
    /// Checks and normalises the parts; returns the reason when they are wrong, naming <paramref name="prefix"/>
    /// settings (<c>endpoint</c> or <c>to_endpoint</c>, …).
    /// </summary>
    public static (S3Endpoint? Endpoint, string? Setting, string? Error) Create(string? url, string? region, string? accessKey, string? secretKey, bool? forcePathStyle, string prefix = "")
    {
        string? normalized = null;
        if (url is not null)
        {
            if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return (null, prefix + "endpoint", $"\"{url}\" is not an http:// or https:// URL");
            }

            if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                return (null, prefix + "endpoint", "must not hold a query or user information");
            }

            normalized = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        }

        region ??= S3Schema.DefaultRegion;
        if (region.Length == 0 || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            return (null, prefix + "region", $"\"{region}\" is not a region name such as us-east-1");
        }

        if ((accessKey is null) != (secretKey is null))
        {
            return (null, accessKey is null ? prefix + "access_key" : prefix + "secret_key", "access_key and secret_key go together: give both or neither");
        }

        return (new S3Endpoint
        {
            Url = normalized,
            Region = region,
            AccessKey = accessKey,
            SecretKey = secretKey,
            ForcePathStyle = forcePathStyle ?? normalized is not null,
        }, null, null);
    }

    public override string ToString() => Display;
}
