using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.Runtime;

namespace Baton.Providers.S3;

/// <summary>
/// Moving bytes between local files and S3 without holding them in memory: uploads read the file in parts
/// (multipart above 16 MiB, part by part), downloads copy the response stream to a temporary file that is renamed into place.
/// </summary>
internal static class Transfers
{
    public const string Sha256MetadataKey = "baton-sha256";

    /// <summary>Files up to this size go up in one PUT; larger ones in parts of this size (or larger, to stay within 10,000 parts).</summary>
    public const long PartSize = 16 * 1024 * 1024;

    private const long MaxParts = 10_000;

    /// <summary>The SHA-256 of a file, hex, read in 80 KiB blocks.</summary>
    public static async Task<string> FileSha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    public static string TextSha256(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Uploads <paramref name="path"/> to <paramref name="bucket"/>/<paramref name="key"/>: one PUT up to
    /// <see cref="PartSize"/>, a multipart upload of parts read from the file beyond (aborted if a part fails).
    /// Bodies are signed whole rather than as aws-chunked streams, which S3-compatible servers such as s3rver store
    /// verbatim. Returns the ETag (unquoted) and size.
    /// </summary>
    public static async Task<(string ETag, long Size)> UploadFileAsync(IAmazonS3 client, string path, string bucket, string key, string contentType, string? sha256, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length <= PartSize)
        {
            var request = new PutObjectRequest { BucketName = bucket, Key = key, FilePath = path, ContentType = contentType, UseChunkEncoding = false };
            if (sha256 is not null)
            {
                request.Metadata.Add(Sha256MetadataKey, sha256);
            }

            await client.PutObjectAsync(request, cancellationToken);
        }
        else
        {
            await UploadPartsAsync(client, path, length, bucket, key, contentType, sha256, cancellationToken);
        }

        var head = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken);
        return (Unquote(head.ETag), head.ContentLength);
    }

    private static async Task UploadPartsAsync(IAmazonS3 client, string path, long length, string bucket, string key, string contentType, string? sha256, CancellationToken cancellationToken)
    {
        // S3 allows at most 10,000 parts.
        var partSize = Math.Max(PartSize, (length + MaxParts - 1) / MaxParts);
        var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = contentType };
        if (sha256 is not null)
        {
            initiate.Metadata.Add(Sha256MetadataKey, sha256);
        }

        var uploadId = (await client.InitiateMultipartUploadAsync(initiate, cancellationToken)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            var number = 1;
            for (long position = 0; position < length; position += partSize, number++)
            {
                var size = Math.Min(partSize, length - position);
                var part = await client.UploadPartAsync(
                    new UploadPartRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        UploadId = uploadId,
                        PartNumber = number,
                        FilePath = path,
                        FilePosition = position,
                        PartSize = size,
                        IsLastPart = position + size >= length,
                        UseChunkEncoding = false,
                    },
                    cancellationToken);
                parts.Add(new PartETag { PartNumber = number, ETag = part.ETag });
            }

            await client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = parts },
                cancellationToken);
        }
        catch
        {
            try
            {
                await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, CancellationToken.None);
            }
            catch (AmazonServiceException)
            {
                // The upload's parts expire by the bucket's rules; the original failure matters more.
            }

            throw;
        }
    }

    /// <summary>Uploads a string as one PUT; returns its ETag (unquoted).</summary>
    public static async Task<string> UploadTextAsync(IAmazonS3 client, string text, string bucket, string key, string contentType, string sha256, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ContentBody = text,
            ContentType = contentType,
            UseChunkEncoding = false,
        };
        request.Metadata.Add(Sha256MetadataKey, sha256);
        var response = await client.PutObjectAsync(request, cancellationToken);
        return Unquote(response.ETag);
    }

    /// <summary>
    /// Downloads <paramref name="bucket"/>/<paramref name="key"/> to <paramref name="destination"/>: streamed into a
    /// temporary file in the same directory, flushed, then renamed over the destination, so a reader never sees half a
    /// file. Returns the ETag (unquoted) and the bytes written.
    /// </summary>
    public static async Task<(string ETag, long Size)> DownloadFileAsync(IAmazonS3 client, string bucket, string key, string destination, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(destination)!;
        var temporary = Path.Combine(directory, "." + Path.GetFileName(destination) + ".baton-" + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
            long size;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await using var body = response.ResponseStream;
                await body.CopyToAsync(file, 81920, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
                size = file.Length;
            }

            System.IO.File.Move(temporary, destination, overwrite: true);
            return (Unquote(response.ETag), size);
        }
        finally
        {
            System.IO.File.Delete(temporary);
        }
    }

    public static string Unquote(string? etag) => (etag ?? string.Empty).Trim('"');
}
