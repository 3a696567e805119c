using System.Collections.Immutable;
using Amazon.S3;
using Amazon.S3.Model;
using Baton.Diagnostics;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.S3;

/// <summary>
/// Buckets and objects on one S3 endpoint. A bucket's id is its name and an object's is BUCKET/KEY, so a retried
/// create finds what the first attempt made. Bucket features an endpoint does not implement (s3rver has no
/// versioning, tagging or lifecycle) are only called when the stack asks for them, and then fail with a message
/// saying so. Files are read and written only inside the provider's <c>file_root</c>.
/// </summary>
internal sealed class S3Provider : IProvider
{
    /// <summary>An s3 input that is wrong: a bucket name S3 refuses, a key too long, both content and source, …</summary>
    public const string InvalidInputCode = "BT5701";

    /// <summary>A local path that leaves the provider's file_root.</summary>
    public const string PathEscapeCode = "BT5702";

    private const string ExpiryRuleId = "baton-expiry";

    private readonly S3Endpoint _endpoint;
    private readonly PathConfinement _files;
    private readonly AmazonS3Client _client;
    private readonly S3Actions _actions;

    public S3Provider(S3Endpoint endpoint, PathConfinement files)
    {
        _endpoint = endpoint;
        _files = files;
        _client = endpoint.CreateClient();
        _actions = new S3Actions(endpoint, _client, files);
    }

    public ProviderSchema Schema => S3Schema.Provider;

    public ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(new ValidateResult(Check(request.Type, request.Address, request.Inputs)));
    }

    public async ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var diagnostics = Check(request.Type, request.Address, request.Inputs);
        if (S3Schema.Provider.ResourceType(request.Type) is not { } schema)
        {
            return new PlanResult { PlannedAttributes = Value.EmptyMap, Diagnostics = diagnostics };
        }

        var plan = ResourcePlanning.Plan(schema, request);
        var planned = plan.PlannedAttributes.AsMap().ToBuilder();
        if (request.Type == S3Schema.BucketType)
        {
            if (S3Inputs.Text(planned.ToImmutable(), "name") is { } name)
            {
                foreach (var (attribute, value) in BucketComputed(name))
                {
                    planned[attribute] = value;
                }
            }
        }
        else
        {
            var inputs = planned.ToImmutable();
            var prior = S3Inputs.MapOf(request.PriorAttributes);
            if (S3Inputs.Text(inputs, "bucket") is { } bucket && S3Inputs.Text(inputs, "key") is { } key)
            {
                planned["id"] = Value.String(bucket + "/" + key);
                planned["url"] = Value.String(_endpoint.ObjectUrl(bucket, key));
            }

            var sha256 = await PlannedSha256Async(inputs, cancellationToken);
            planned["content_sha256"] = sha256 is null ? Value.Unknown(BatonType.String) : Value.String(sha256);
            var unchanged = sha256 is not null && plan.RequiresReplace.IsEmpty
                && prior.TryGetValue("content_sha256", out var priorSha256) && priorSha256 == Value.String(sha256)
                && prior.TryGetValue("content_type", out var priorType) && priorType == planned["content_type"];
            if (!unchanged)
            {
                planned["etag"] = Value.Unknown(BatonType.String);
                planned["size"] = Value.Unknown(BatonType.Int);
            }
        }

        return plan with { PlannedAttributes = Value.Map(planned), Diagnostics = diagnostics };
    }

    public async ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Problem(request.Type, request.Address, request.Inputs) is { } problem)
        {
            return ResourceResult.Failure(problem);
        }

        var inputs = request.Inputs.AsMap();
        return request.Type == S3Schema.BucketType
            ? await ApplyBucketAsync(request.Address, inputs, prior: null, create: true, cancellationToken)
            : await PutObjectAsync(request.Address, inputs, cancellationToken);
    }

    public async ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (S3Schema.Provider.ResourceType(request.Type) is null)
        {
            return ReadResult.Failure(ProviderError.Permanent($"the s3 provider has no resource type \"{request.Type}\""));
        }

        var inputs = S3Inputs.MapOf(request.Inputs);
        var attributes = S3Inputs.MapOf(request.Attributes);
        if (request.Type == S3Schema.BucketType)
        {
            var name = request.Id ?? S3Inputs.Text(inputs, "name");
            if (name is null || BucketNames.Problem(name) is not null)
            {
                return ReadResult.Gone;
            }

            var forceDestroy = S3Inputs.Bool(inputs, "force_destroy") ?? S3Inputs.Bool(attributes, "force_destroy") ?? false;
            try
            {
                return await ReadBucketAsync(name, forceDestroy, cancellationToken) is { } bucket ? ReadResult.Found(name, bucket) : ReadResult.Gone;
            }
            catch (Exception exception) when (S3Errors.Classify(exception, _endpoint, request.Address, name, cancellationToken) is { } error)
            {
                return ReadResult.Failure(error);
            }
        }

        var given = inputs.IsEmpty ? attributes : inputs;
        string? bucketName;
        string? key;
        if (request.Id is { } id)
        {
            var slash = id.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == id.Length - 1)
            {
                return ReadResult.Gone;
            }

            (bucketName, key) = (id[..slash], id[(slash + 1)..]);
        }
        else
        {
            (bucketName, key) = (S3Inputs.Text(given, "bucket"), S3Inputs.Text(given, "key"));
        }

        if (bucketName is null || key is null || BucketNames.Problem(bucketName) is not null)
        {
            return ReadResult.Gone;
        }

        try
        {
            var seenETag = S3Inputs.Text(attributes, "etag");
            return await ReadObjectAsync(bucketName, key, given, seenETag, cancellationToken) is { } found
                ? ReadResult.Found(bucketName + "/" + key, found)
                : ReadResult.Gone;
        }
        catch (Exception exception) when (S3Errors.Classify(exception, _endpoint, request.Address, bucketName, cancellationToken) is { } error)
        {
            return ReadResult.Failure(error);
        }
    }

    public async ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Problem(request.Type, request.Address, request.Inputs) is { } problem)
        {
            return ResourceResult.Failure(problem);
        }

        var inputs = request.Inputs.AsMap();
        return request.Type == S3Schema.BucketType
            ? await ApplyBucketAsync(request.Address, inputs, S3Inputs.MapOf(request.PriorAttributes), create: false, cancellationToken)
            : await PutObjectAsync(request.Address, inputs, cancellationToken);
    }

    public async ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (S3Schema.Provider.ResourceType(request.Type) is null)
        {
            return new DeleteResult(ProviderError.Permanent($"the s3 provider has no resource type \"{request.Type}\""));
        }

        var attributes = S3Inputs.MapOf(request.Attributes);
        var bucket = request.Type == S3Schema.BucketType ? request.Id : S3Inputs.Text(attributes, "bucket") ?? request.Id.Split('/', 2)[0];
        try
        {
            if (request.Type == S3Schema.BucketType)
            {
                return await DeleteBucketAsync(request.Address, request.Id, S3Inputs.Bool(attributes, "force_destroy") ?? false, cancellationToken);
            }

            var key = S3Inputs.Text(attributes, "key") ?? (request.Id.Split('/', 2) is [_, var rest] ? rest : request.Id);
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
            return DeleteResult.Success;
        }
        catch (AmazonS3Exception exception) when (S3Errors.IsNoSuchBucket(exception))
        {
            return DeleteResult.Success;
        }
        catch (Exception exception) when (S3Errors.Classify(exception, _endpoint, request.Address, bucket, cancellationToken) is { } error)
        {
            return new DeleteResult(error);
        }
    }

    public ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _actions.InvokeAsync(request, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private IEnumerable<KeyValuePair<string, Value>> BucketComputed(string name) =>
    [
        new("id", Value.String(name)),
        new("arn", Value.String("arn:aws:s3:::" + name)),
        new("url", Value.String(_endpoint.BucketUrl(name))),
        new("endpoint", Value.String(_endpoint.Display)),
    ];

    private async Task<ResourceResult> ApplyBucketAsync(string address, ImmutableSortedDictionary<string, Value> inputs, ImmutableSortedDictionary<string, Value>? prior, bool create, CancellationToken cancellationToken)
    {
        var name = S3Inputs.Text(inputs, "name")!;
        var versioning = S3Inputs.Bool(inputs, "versioning") ?? false;
        var tags = S3Inputs.Tags(inputs, "tags")!;
        var expiry = S3Inputs.Int(inputs, "lifecycle_expiry_days", 1, int.MaxValue);
        var forceDestroy = S3Inputs.Bool(inputs, "force_destroy") ?? false;
        var feature = "bucket";
        try
        {
            if (create)
            {
                await CreateBucketAsync(name, cancellationToken);
            }

            var priorVersioning = prior is null ? false : S3Inputs.Bool(prior, "versioning") ?? false;
            if (versioning != priorVersioning)
            {
                feature = "versioning";
                await _client.PutBucketVersioningAsync(
                    new PutBucketVersioningRequest
                    {
                        BucketName = name,
                        VersioningConfig = new S3BucketVersioningConfig { Status = versioning ? VersionStatus.Enabled : VersionStatus.Suspended },
                    },
                    cancellationToken);
            }

            var priorTags = prior is null ? ImmutableSortedDictionary<string, string>.Empty : S3Inputs.Tags(prior, "tags") ?? ImmutableSortedDictionary<string, string>.Empty;
            if (!tags.SequenceEqual(priorTags))
            {
                feature = "tagging";
                if (tags.IsEmpty)
                {
                    await _client.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = name }, cancellationToken);
                }
                else
                {
                    await _client.PutBucketTaggingAsync(
                        new PutBucketTaggingRequest { BucketName = name, TagSet = [.. tags.Select(t => new Tag { Key = t.Key, Value = t.Value })] },
                        cancellationToken);
                }
            }

            var priorExpiry = prior is null ? null : S3Inputs.Int(prior, "lifecycle_expiry_days", 1, int.MaxValue);
            if (expiry != priorExpiry)
            {
                feature = "lifecycle";
                if (expiry is { } days)
                {
                    await _client.PutLifecycleConfigurationAsync(
                        new PutLifecycleConfigurationRequest
                        {
                            BucketName = name,
                            Configuration = new LifecycleConfiguration
                            {
                                Rules =
                                [
                                    new LifecycleRule
                                    {
                                        Id = ExpiryRuleId,
                                        Status = LifecycleRuleStatus.Enabled,
                                        Filter = new LifecycleFilter { Prefix = string.Empty },
                                        Expiration = new LifecycleRuleExpiration { Days = days },
                                    },
                                ],
                            },
                        },
                        cancellationToken);
                }
                else
                {
                    await _client.DeleteLifecycleConfigurationAsync(new DeleteLifecycleConfigurationRequest { BucketName = name }, cancellationToken);
                }
            }

            feature = "bucket";
            return await ReadBucketAsync(name, forceDestroy, cancellationToken) is { } bucket
                ? ResourceResult.Success(name, bucket)
                : ResourceResult.Failure(ProviderError.Transient($"{address}: the bucket \"{name}\" vanished right after it was {(create ? "created" : "updated")}"));
        }
        catch (AmazonS3Exception exception) when (feature != "bucket" && (S3Errors.IsNotImplemented(exception) || IsRefusal(exception)))
        {
            // Some S3-compatible servers answer a sub-resource they do not know as if it were the bucket itself
            // (s3rver answers PUT ?versioning with BucketAlreadyExists), so any refusal is reported as the feature's.
            var attribute = feature switch { "versioning" => "versioning", "tagging" => "tags", _ => "lifecycle_expiry_days" };
            var why = S3Errors.IsNotImplemented(exception)
                ? $"does not support bucket {feature} ({exception.ErrorCode ?? "NotImplemented"})"
                : $"refused to set bucket {feature} ({exception.ErrorCode}: {exception.Message}); it may not support it";
            return ResourceResult.Failure(ProviderError.Permanent($"{address}: the S3 endpoint {_endpoint.Display} {why}; leave {attribute} out for this endpoint"));
        }
        catch (Exception exception) when (S3Errors.Classify(exception, _endpoint, address, name, cancellationToken) is { } error)
        {
            return ResourceResult.Failure(error);
        }
    }

    private static bool IsRefusal(AmazonS3Exception exception) =>
        (int)exception.StatusCode is >= 400 and < 500
        && exception.ErrorCode is not ("NoSuchBucket" or "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "SlowDown");

    private async Task CreateBucketAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = name }, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // A retried create: adopt the bucket.
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode == "BucketAlreadyExists")
        {
            // Ours when we can reach it (S3-compatible servers answer this for the owner's own buckets too);
            // otherwise the name is taken by someone else.
            try
            {
                await _client.HeadBucketAsync(new HeadBucketRequest { BucketName = name }, cancellationToken);
            }
            catch (AmazonS3Exception head) when (head.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound)
            {
                throw new AmazonS3Exception($"the bucket name \"{name}\" is taken by another account", exception)
                {
                    ErrorCode = "BucketAlreadyExists",
                    StatusCode = System.Net.HttpStatusCode.Conflict,
                };
            }
        }
    }

    private async Task<Value?> ReadBucketAsync(string name, bool forceDestroy, CancellationToken cancellationToken)
    {
        try
        {
            await _client.HeadBucketAsync(new HeadBucketRequest { BucketName = name }, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (S3Errors.IsNotFound(exception) || S3Errors.IsNoSuchBucket(exception))
        {
            return null;
        }

        var versioning = false;
        try
        {
            var response = await _client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = name }, cancellationToken);
            versioning = response.VersioningConfig?.Status == VersionStatus.Enabled;
        }
        catch (AmazonS3Exception exception) when (S3Errors.IsNotImplemented(exception))
        {
            // The endpoint has no versioning: it is off.
        }

        var tags = new List<KeyValuePair<string, string>>();
        try
        {
            var response = await _client.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = name }, cancellationToken);
            tags.AddRange((response.TagSet ?? []).Select(t => new KeyValuePair<string, string>(t.Key, t.Value ?? string.Empty)));
        }
        catch (AmazonS3Exception exception) when (S3Errors.IsNotImplemented(exception) || exception.ErrorCode == "NoSuchTagSet")
        {
            // No tags (or none the endpoint can hold).
        }

        int? expiry = null;
        try
        {
            var response = await _client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = name }, cancellationToken);
            expiry = response.Configuration?.Rules?.FirstOrDefault(r => r.Id == ExpiryRuleId)?.Expiration?.Days;
        }
        catch (AmazonS3Exception exception) when (S3Errors.IsNotImplemented(exception) || exception.ErrorCode == "NoSuchLifecycleConfiguration")
        {
            // No lifecycle rules (or none the endpoint can hold).
        }

        return Value.Map(
        [
            new("name", Value.String(name)),
            new("versioning", Value.Bool(versioning)),
            new("tags", S3Inputs.TagsValue(tags)),
            new("lifecycle_expiry_days", expiry is { } days ? Value.Number(days) : Value.Null),
            new("force_destroy", Value.Bool(forceDestroy)),
            .. BucketComputed(name),
        ]);
    }

    private async Task<DeleteResult> DeleteBucketAsync(string address, string name, bool forceDestroy, CancellationToken cancellationToken)
    {
        if (!forceDestroy)
        {
            var (count, more) = await CountObjectsAsync(name, cancellationToken);
            if (count > 0)
            {
                return new DeleteResult(ProviderError.Permanent(
                    $"{address}: the bucket \"{name}\" is not empty ({(more ? "more than " : string.Empty)}{count} object{(count == 1 && !more ? string.Empty : "s")}); "
                    + "set force_destroy = true to delete it with its objects, or empty it first"));
            }
        }
        else
        {
            await EmptyBucketAsync(name, cancellationToken);
        }

        try
        {
            await _client.DeleteBucketAsync(new DeleteBucketRequest { BucketName = name }, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode == "BucketNotEmpty")
        {
            return new DeleteResult(ProviderError.Permanent(
                $"{address}: the bucket \"{name}\" is not empty (it holds object versions or objects written meanwhile); "
                + (forceDestroy ? "try again" : "set force_destroy = true to delete it with its objects and versions")));
        }

        return DeleteResult.Success;
    }

    private async Task<(int Count, bool More)> CountObjectsAsync(string name, CancellationToken cancellationToken)
    {
        const int limit = 10_000;
        var count = 0;
        string? token = null;
        do
        {
            var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = name, ContinuationToken = token, MaxKeys = 1000 }, cancellationToken);
            count += page.S3Objects?.Count ?? 0;
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null && count < limit);
        return (count, token is not null);
    }

    /// <summary>Deletes every object version and delete marker, or every object where the endpoint lists no versions.</summary>
    private async Task EmptyBucketAsync(string name, CancellationToken cancellationToken)
    {
        var versionsListed = true;
        try
        {
            (string?, string?) previous = default;
            while (true)
            {
                var page = await _client.ListVersionsAsync(new ListVersionsRequest { BucketName = name, MaxKeys = 1000 }, cancellationToken);
                var versions = page.Versions ?? [];
                if (versions.Count == 0)
                {
                    break;
                }

                previous = NotStuck(name, previous, (versions[0].Key, versions[0].VersionId));
                await DeleteBatchAsync(name, [.. versions.Select(v => new KeyVersion { Key = v.Key, VersionId = v.VersionId is null or "null" ? null : v.VersionId })], cancellationToken);
            }
        }
        catch (AmazonS3Exception exception) when (S3Errors.IsNotImplemented(exception))
        {
            versionsListed = false;
        }

        if (versionsListed)
        {
            return;
        }

        (string?, string?) last = default;
        while (true)
        {
            var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = name, MaxKeys = 1000 }, cancellationToken);
            var objects = page.S3Objects ?? [];
            if (objects.Count == 0)
            {
                return;
            }

            last = NotStuck(name, last, (objects[0].Key, null));
            await DeleteBatchAsync(name, [.. objects.Select(o => new KeyVersion { Key = o.Key })], cancellationToken);
        }
    }

    /// <summary>Stops emptying a bucket whose listing starts with what was just deleted (a server that drops deletes).</summary>
    private static (string?, string?) NotStuck(string bucket, (string?, string?) previous, (string?, string?) first) =>
        previous != default && previous == first
            ? throw new AmazonS3Exception($"the bucket \"{bucket}\" still lists \"{first.Item1}\" after it was deleted") { ErrorCode = "DeleteNotApplied" }
            : first;

    private async Task DeleteBatchAsync(string bucket, List<KeyVersion> objects, CancellationToken cancellationToken)
    {
        var response = await _client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = objects, Quiet = true }, cancellationToken);
        if (response.DeleteErrors is { Count: > 0 } errors)
        {
            var first = errors[0];
            throw new AmazonS3Exception($"{errors.Count} object(s) could not be deleted; the first, \"{first.Key}\": {first.Code} {first.Message}")
            {
                ErrorCode = first.Code,
            };
        }
    }

    private async Task<ResourceResult> PutObjectAsync(string address, ImmutableSortedDictionary<string, Value> inputs, CancellationToken cancellationToken)
    {
        var bucket = S3Inputs.Text(inputs, "bucket")!;
        var key = S3Inputs.Text(inputs, "key")!;
        var contentType = S3Inputs.Text(inputs, "content_type") ?? S3Schema.DefaultContentType;
        try
        {
            if (S3Inputs.Text(inputs, "content") is { } content)
            {
                await Transfers.UploadTextAsync(_client, content, bucket, key, contentType, Transfers.TextSha256(content), cancellationToken);
            }
            else
            {
                var source = S3Inputs.Text(inputs, "source")!;
                if (!_files.TryResolve(source, out var path, out var pathError))
                {
                    return ResourceResult.Failure(ProviderError.Permanent($"{address}: source {pathError}"));
                }

                if (!System.IO.File.Exists(path))
                {
                    return ResourceResult.Failure(ProviderError.Permanent($"{address}: source \"{source}\" is not a file"));
                }

                var sha256 = await Transfers.FileSha256Async(path, cancellationToken);
                await Transfers.UploadFileAsync(_client, path, bucket, key, contentType, sha256, cancellationToken);
            }

            return await ReadObjectAsync(bucket, key, inputs, seenETag: null, cancellationToken) is { } found
                ? ResourceResult.Success(bucket + "/" + key, found)
                : ResourceResult.Failure(ProviderError.Transient($"{address}: the object \"{key}\" vanished from the bucket \"{bucket}\" right after it was written"));
        }
        catch (Exception exception) when (S3Errors.Classify(exception, _endpoint, address, bucket, cancellationToken) is { } error)
        {
            return ResourceResult.Failure(error);
        }
    }

    /// <summary>
    /// The object's attributes, or null when it (or its bucket) is gone. <c>content_sha256</c> comes from the metadata
    /// the provider wrote; when <paramref name="seenETag"/> (the ETag of the last apply or refresh) no longer matches,
    /// the object was rewritten outside Baton and <c>content_sha256</c> is null, which plans an update.
    /// </summary>
    private async Task<Value?> ReadObjectAsync(string bucket, string key, ImmutableSortedDictionary<string, Value> given, string? seenETag, CancellationToken cancellationToken)
    {
        GetObjectMetadataResponse head;
        try
        {
            head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (S3Errors.IsNotFound(exception) || S3Errors.IsNoSuchBucket(exception))
        {
            return null;
        }

        var etag = Transfers.Unquote(head.ETag);
        var sha256 = head.Metadata[Transfers.Sha256MetadataKey];
        if (string.IsNullOrEmpty(sha256) || (seenETag is not null && !string.Equals(seenETag, etag, StringComparison.Ordinal)))
        {
            sha256 = null;
        }

        Value Given(string name) => given.TryGetValue(name, out var value) && value.Kind != ValueKind.Null ? value.WithoutSensitivity() : Value.Null;
        return Value.Map(
        [
            new("bucket", Value.String(bucket)),
            new("key", Value.String(key)),
            new("content", Given("content")),
            new("source", Given("source")),
            new("content_type", S3Inputs.Text(given, "content_type") is { } type ? Value.String(type) : Value.String(S3Schema.DefaultContentType)),
            new("id", Value.String(bucket + "/" + key)),
            new("content_sha256", sha256 is null ? Value.Null : Value.String(sha256)),
            new("etag", Value.String(etag)),
            new("size", Value.Number(head.ContentLength)),
            new("url", Value.String(_endpoint.ObjectUrl(bucket, key))),
        ]);
    }

    /// <summary>The SHA-256 the object will have: of the content, or of the source file (read in blocks); null when not known yet.</summary>
    private async Task<string?> PlannedSha256Async(ImmutableSortedDictionary<string, Value> inputs, CancellationToken cancellationToken)
    {
        if (S3Inputs.Text(inputs, "content") is { } content)
        {
            return Transfers.TextSha256(content);
        }

        if (S3Inputs.Text(inputs, "source") is { } source && _files.TryResolve(source, out var path, out _) && System.IO.File.Exists(path))
        {
            try
            {
                return await Transfers.FileSha256Async(path, cancellationToken);
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }

        return null;
    }

    private ProviderError? Problem(string type, string address, Value inputs)
    {
        var diagnostics = Check(type, address, inputs);
        if (!diagnostics.IsEmpty)
        {
            return ProviderError.Permanent($"{address}: {string.Join("; ", diagnostics.Select(d => d.Message))}");
        }

        return inputs.IsWhollyKnown ? null : ProviderError.Permanent($"{address}: the inputs are not all known");
    }

    private ImmutableArray<Diagnostic> Check(string type, string address, Value inputs)
    {
        if (S3Schema.Provider.ResourceType(type) is null)
        {
            return [Diagnostic.Error(InvalidInputCode, $"the s3 provider has no resource type \"{type}\"") with { Subject = address }];
        }

        if (inputs.Kind != ValueKind.Map)
        {
            return [];
        }

        var map = inputs.AsMap();
        var errors = new List<string>();
        var escapes = new List<string>();
        if (type == S3Schema.BucketType)
        {
            if (S3Inputs.Text(map, "name", errors) is { } name && BucketNames.Problem(name) is { } problem)
            {
                errors.Add("name " + problem + " (S3 bucket naming rules)");
            }

            S3Inputs.Bool(map, "versioning", errors);
            S3Inputs.Bool(map, "force_destroy", errors);
            S3Inputs.Tags(map, "tags", errors);
            S3Inputs.Int(map, "lifecycle_expiry_days", 1, 36_500, errors);
        }
        else
        {
            if (S3Inputs.Text(map, "bucket", errors) is { } bucket && BucketNames.Problem(bucket) is { } problem)
            {
                errors.Add("bucket " + problem + " (S3 bucket naming rules)");
            }

            if (S3Inputs.Text(map, "key", errors) is { } key && BucketNames.KeyProblem(key) is { } keyProblem)
            {
                errors.Add("key " + keyProblem);
            }

            S3Inputs.Text(map, "content_type", errors);
            var content = S3Inputs.Given(map, "content");
            var source = S3Inputs.Given(map, "source");
            S3Inputs.Text(map, "content", errors);
            if (content && source)
            {
                errors.Add("give content or source, not both");
            }
            else if (!content && !source)
            {
                errors.Add("give content (a string) or source (a file)");
            }

            if (S3Inputs.Text(map, "source", errors) is { } path && !_files.TryResolve(path, out _, out var pathError))
            {
                escapes.Add("source " + pathError);
            }
        }

        return
        [
            .. errors.Select(error => Diagnostic.Error(InvalidInputCode, error) with { Subject = address }),
            .. escapes.Select(error => Diagnostic.Error(PathEscapeCode, error) with { Subject = address }),
        ];
    }
}
