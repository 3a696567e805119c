using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Shop;

/// <summary>What /upload answers.</summary>
internal sealed record StoredUpload(string Bucket, string Key, long Bytes, string ETag);

/// <summary>Stores uploads in the S3 bucket under uploads/, streaming the request body.</summary>
internal sealed class UploadStore(ShopSettings settings) : IDisposable
{
    private readonly AmazonS3Client? _client = settings.S3Endpoint is { } endpoint
        ? new AmazonS3Client(
            new BasicAWSCredentials(settings.S3AccessKey ?? "", settings.S3SecretKey ?? ""),
            new AmazonS3Config
            {
                ServiceURL = endpoint,
                ForcePathStyle = true,
                AuthenticationRegion = settings.S3Region,
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            })
        : null;

    public async Task<StoredUpload> PutAsync(Stream body, string contentType, CancellationToken cancellationToken)
    {
        var client = _client ?? throw new InvalidOperationException("SHOP_S3_ENDPOINT is not set");
        var bucket = settings.S3Bucket ?? throw new InvalidOperationException("SHOP_S3_BUCKET is not set");
        var key = $"uploads/{DateTime.UtcNow:yyyyMMdd}/{Guid.NewGuid():N}";

        // The body is spooled to a temp file, never held in memory: S3 wants a length and a stream it can rewind to
        // sign, and an unsigned streaming upload is not understood by every S3-compatible endpoint.
        await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        await body.CopyToAsync(spool, cancellationToken);
        spool.Position = 0;
        var response = await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = spool,
            ContentType = contentType,
            AutoCloseStream = false,
            UseChunkEncoding = false,
        }, cancellationToken);
        return new StoredUpload(bucket, key, spool.Length, response.ETag.Trim('"'));
    }

    public void Dispose() => _client?.Dispose();
}
