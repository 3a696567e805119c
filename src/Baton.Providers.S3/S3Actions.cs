using System.Collections.Immutable;
using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.S3;

/// <summary>
/// The s3 workflow actions. Every byte moves as a stream: uploads read the file in parts, downloads go to a
/// temporary file renamed into place, and a copy to another endpoint goes through a temporary file, so an object of
/// any size never sits in memory. Local paths resolve inside the provider's <c>file_root</c>.
/// </summary>
internal sealed class S3Actions(S3Endpoint endpoint, AmazonS3Client client, PathConfinement files)
{
    public async ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action;
        var inputs = S3Inputs.MapOf(request.Inputs);
        var errors = new List<string>();
        var bucket = RequiredText(inputs, "bucket", errors);
        if (bucket is not null && BucketNames.Problem(bucket) is { } problem)
        {
            errors.Add("bucket " + problem + " (S3 bucket naming rules)");
        }

        try
        {
            return action switch
            {
                S3Schema.PutAction => await PutAsync(action, inputs, bucket, errors, cancellationToken),
                S3Schema.GetAction => await GetAsync(action, inputs, bucket, errors, cancellationToken),
                S3Schema.ListAction => await ListAsync(action, inputs, bucket, errors, cancellationToken),
                S3Schema.PruneAction => await PruneAsync(action, inputs, bucket, errors, cancellationToken),
                S3Schema.CopyAction => await CopyAsync(action, inputs, bucket, errors, cancellationToken),
                _ => Failed(ProviderError.Permanent($"the s3 provider has no action \"{action}\"")),
            };
        }
        catch (Exception exception) when (S3Errors.Classify(exception, endpoint, action, bucket, cancellationToken) is { } error)
        {
            return Failed(error);
        }
    }

    private static InvokeResult Failed(ProviderError error) => new() { Error = error };

    private static InvokeResult? Invalid(string action, List<string> errors) =>
        errors.Count == 0 ? null : Failed(ProviderError.Permanent($"{action}: {string.Join("; ", errors)}"));

    private static string? RequiredText(ImmutableSortedDictionary<string, Value> inputs, string name, List<string> errors)
    {
        var text = S3Inputs.Text(inputs, name, errors);
        if (text is null && !S3Inputs.Given(inputs, name))
        {
            errors.Add($"{name} is required");
        }

        return text;
    }

    private static string? Key(ImmutableSortedDictionary<string, Value> inputs, string name, List<string> errors, bool required = true)
    {
        var key = required ? RequiredText(inputs, name, errors) : S3Inputs.Text(inputs, name, errors);
        if (key is not null && BucketNames.KeyProblem(key) is { } problem)
        {
            errors.Add($"{name} {problem}");
        }

        return key;
    }

    private string? LocalPath(ImmutableSortedDictionary<string, Value> inputs, string name, List<string> errors)
    {
        if (RequiredText(inputs, name, errors) is not { } path)
        {
            return null;
        }

        if (!files.TryResolve(path, out var resolved, out var error))
        {
            errors.Add($"{name} {error}");
            return null;
        }

        return resolved;
    }

    private async Task<InvokeResult> PutAsync(string action, ImmutableSortedDictionary<string, Value> inputs, string? bucket, List<string> errors, CancellationToken cancellationToken)
    {
        var key = Key(inputs, "key", errors);
        var source = LocalPath(inputs, "source", errors);
        var contentType = S3Inputs.Text(inputs, "content_type", errors) ?? S3Schema.DefaultContentType;
        if (source is not null && !System.IO.File.Exists(source))
        {
            errors.Add($"source \"{S3Inputs.Text(inputs, "source")}\" is not a file");
        }

        if (Invalid(action, errors) is { } invalid)
        {
            return invalid;
        }

        var sha256 = await Transfers.FileSha256Async(source!, cancellationToken);
        var (etag, size) = await Transfers.UploadFileAsync(client, source!, bucket!, key!, contentType, sha256, cancellationToken);
        return new InvokeResult
        {
            Outputs = Value.Map([new("key", Value.String(key!)), new("etag", Value.String(etag)), new("bytes", Value.Number(size))]),
        };
    }

    private async Task<InvokeResult> GetAsync(string action, ImmutableSortedDictionary<string, Value> inputs, string? bucket, List<string> errors, CancellationToken cancellationToken)
    {
        var key = Key(inputs, "key", errors);
        var destination = LocalPath(inputs, "destination", errors);
        if (destination is not null && Directory.Exists(destination))
        {
            errors.Add($"destination \"{S3Inputs.Text(inputs, "destination")}\" is a directory; name the file to write");
        }
        else if (destination is not null && !Directory.Exists(Path.GetDirectoryName(destination)))
        {
            errors.Add($"destination \"{S3Inputs.Text(inputs, "destination")}\": the directory does not exist");
        }

        if (Invalid(action, errors) is { } invalid)
        {
            return invalid;
        }

        try
        {
            var (etag, size) = await Transfers.DownloadFileAsync(client, bucket!, key!, destination!, cancellationToken);
            return new InvokeResult
            {
                Outputs = Value.Map([new("path", Value.String(destination!)), new("etag", Value.String(etag)), new("bytes", Value.Number(size))]),
            };
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode == "NoSuchKey")
        {
            return Failed(ProviderError.Permanent($"{action}: the bucket \"{bucket}\" at S3 endpoint {endpoint.Display} has no object \"{key}\""));
        }
    }

    private async Task<InvokeResult> ListAsync(string action, ImmutableSortedDictionary<string, Value> inputs, string? bucket, List<string> errors, CancellationToken cancellationToken)
    {
        var prefix = S3Inputs.Text(inputs, "prefix", errors) ?? string.Empty;
        var maxKeys = S3Inputs.Int(inputs, "max_keys", 1, S3Schema.ListMaxKeysLimit, errors) ?? S3Schema.DefaultListMaxKeys;
        if (Invalid(action, errors) is { } invalid)
        {
            return invalid;
        }

        var objects = new List<S3Object>();
        string? token = null;
        var truncated = false;
        do
        {
            var page = await client.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token, MaxKeys = Math.Min(1000, maxKeys - objects.Count) },
                cancellationToken);
            objects.AddRange(page.S3Objects ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
            if (objects.Count >= maxKeys)
            {
                truncated = token is not null || objects.Count > maxKeys;
                objects.RemoveRange(maxKeys, objects.Count - maxKeys);
                break;
            }
        }
        while (token is not null);

        return new InvokeResult
        {
            Outputs = Value.Map(
            [
                new("objects", Value.List(objects.Select(Describe))),
                new("keys", Value.List(objects.Select(o => Value.String(o.Key)))),
                new("count", Value.Number(objects.Count)),
                new("truncated", Value.Bool(truncated)),
            ]),
        };
    }

    private static Value Describe(S3Object item) => Value.Map(
    [
        new("key", Value.String(item.Key)),
        new("size", Value.Number(item.Size ?? 0)),
        new("last_modified", item.LastModified is { } modified
            ? Value.String(modified.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
            : Value.Null),
        new("etag", Value.String(Transfers.Unquote(item.ETag))),
    ]);

    private async Task<InvokeResult> PruneAsync(string action, ImmutableSortedDictionary<string, Value> inputs, string? bucket, List<string> errors, CancellationToken cancellationToken)
    {
        var prefix = S3Inputs.Text(inputs, "prefix", errors) ?? string.Empty;
        var keep = S3Inputs.Int(inputs, "keep", 0, int.MaxValue, errors);
        if (keep is null && !S3Inputs.Given(inputs, "keep"))
        {
            errors.Add("keep is required");
        }

        if (Invalid(action, errors) is { } invalid)
        {
            return invalid;
        }

        // Only keys, times and sizes are held: a listing of every object under the prefix, never their bodies.
        var objects = new List<(string Key, DateTime Modified)>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token, MaxKeys = 1000 }, cancellationToken);
            objects.AddRange((page.S3Objects ?? []).Select(o => (o.Key, o.LastModified?.ToUniversalTime() ?? DateTime.MinValue)));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        var newestFirst = objects.OrderByDescending(o => o.Modified).ThenByDescending(o => o.Key, StringComparer.Ordinal).ToList();
        var kept = newestFirst.Take(keep!.Value).Select(o => o.Key).ToList();
        var doomed = newestFirst.Skip(keep.Value).Reverse().Select(o => o.Key).ToList();
        foreach (var batch in doomed.Chunk(1000))
        {
            await DeleteObjectsAsync(bucket!, batch, cancellationToken);
        }

        return new InvokeResult
        {
            Outputs = Value.Map(
            [
                new("deleted", Value.List(doomed.Select(Value.String))),
                new("kept", Value.List(kept.Select(Value.String))),
            ]),
        };
    }

    private async Task DeleteObjectsAsync(string bucket, string[] keys, CancellationToken cancellationToken)
    {
        var response = await client.DeleteObjectsAsync(
            new DeleteObjectsRequest { BucketName = bucket, Objects = [.. keys.Select(k => new KeyVersion { Key = k })], Quiet = true },
            cancellationToken);
        if (response.DeleteErrors is { Count: > 0 } failures)
        {
            var first = failures[0];
            throw new AmazonS3Exception($"{failures.Count} object(s) could not be deleted; the first, \"{first.Key}\": {first.Code} {first.Message}") { ErrorCode = first.Code };
        }
    }

    private async Task<InvokeResult> CopyAsync(string action, ImmutableSortedDictionary<string, Value> inputs, string? bucket, List<string> errors, CancellationToken cancellationToken)
    {
        var key = Key(inputs, "key", errors);
        var toBucket = RequiredText(inputs, "to_bucket", errors);
        if (toBucket is not null && BucketNames.Problem(toBucket) is { } problem)
        {
            errors.Add("to_bucket " + problem + " (S3 bucket naming rules)");
        }

        var toKey = Key(inputs, "to_key", errors, required: false) ?? key;
        var toUrl = S3Inputs.Text(inputs, "to_endpoint", errors);
        var toRegion = S3Inputs.Text(inputs, "to_region", errors);
        var toAccessKey = S3Inputs.Text(inputs, "to_access_key", errors);
        var toSecretKey = S3Inputs.Text(inputs, "to_secret_key", errors);
        var toPathStyle = S3Inputs.Bool(inputs, "to_force_path_style", errors);
        var target = endpoint;
        if (toUrl is not null || toRegion is not null || toAccessKey is not null || toSecretKey is not null || toPathStyle is not null)
        {
            var (made, setting, error) = S3Endpoint.Create(
                toUrl ?? endpoint.Url,
                toRegion ?? endpoint.Region,
                toAccessKey ?? (toSecretKey is null ? endpoint.AccessKey : null),
                toSecretKey ?? (toAccessKey is null ? endpoint.SecretKey : null),
                toPathStyle ?? (toUrl is null ? endpoint.ForcePathStyle : null),
                prefix: "to_");
            if (made is null)
            {
                errors.Add($"{setting} {error}");
            }

            target = made ?? endpoint;
        }

        if (Invalid(action, errors) is { } invalid)
        {
            return invalid;
        }

        var temporary = Path.Combine(Path.GetTempPath(), "baton-s3-copy-" + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            try
            {
                await Transfers.DownloadFileAsync(client, bucket!, key!, temporary, cancellationToken);
            }
            catch (AmazonS3Exception exception) when (exception.ErrorCode == "NoSuchKey")
            {
                return Failed(ProviderError.Permanent($"{action}: the bucket \"{bucket}\" at S3 endpoint {endpoint.Display} has no object \"{key}\""));
            }

            using var ownClient = ReferenceEquals(target, endpoint) ? null : target.CreateClient();
            var targetClient = (IAmazonS3?)ownClient ?? client;
            var head = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken);
            var contentType = string.IsNullOrEmpty(head.Headers.ContentType) ? S3Schema.DefaultContentType : head.Headers.ContentType;
            var sha256 = head.Metadata[Transfers.Sha256MetadataKey] is { Length: > 0 } known ? known : null;

            try
            {
                var (etag, size) = await Transfers.UploadFileAsync(targetClient, temporary, toBucket!, toKey!, contentType, sha256, cancellationToken);
                return Copied(toBucket!, toKey!, etag, size);
            }
            catch (Exception exception) when (S3Errors.Classify(exception, target, action, toBucket, cancellationToken) is { } error)
            {
                return Failed(error);
            }
        }
        finally
        {
            System.IO.File.Delete(temporary);
        }
    }

    private static InvokeResult Copied(string toBucket, string toKey, string etag, long size) => new()
    {
        Outputs = Value.Map(
        [
            new("to_bucket", Value.String(toBucket)),
            new("to_key", Value.String(toKey)),
            new("etag", Value.String(etag)),
            new("bytes", Value.Number(size)),
        ]),
    };
}
