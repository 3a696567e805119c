using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.S3;

/// <summary>The schema of the s3 family. Every default is written here.</summary>
internal static class S3Schema
{
    public const string BucketType = "s3.bucket";
    public const string ObjectType = "s3.object";
    public const string PutAction = "s3.put";
    public const string GetAction = "s3.get";
    public const string ListAction = "s3.list";
    public const string PruneAction = "s3.prune";
    public const string CopyAction = "s3.copy";

    public const string DefaultRegion = "us-east-1";
    public const string DefaultContentType = "application/octet-stream";
    public const int DefaultListMaxKeys = 1000;

    /// <summary>The most keys <c>s3.list</c> returns, whatever <c>max_keys</c> asks.</summary>
    public const int ListMaxKeysLimit = 10_000;

    public static ResourceTypeSchema Bucket { get; } = new()
    {
        Type = BucketType,
        Description = "A bucket on the provider's endpoint; its id is its name.",
        Attributes =
        [
            AttributeSchema.Input("name", BatonType.String, "The bucket's name (3-63 characters: lower-case letters, digits, dots and hyphens, as S3 requires).") with { Required = true, ForceNew = true },
            AttributeSchema.Input("versioning", BatonType.Bool, "Whether object versioning is enabled; turning it off suspends it.") with { Default = Value.False },
            AttributeSchema.Input("tags", BatonType.MapOf(BatonType.String), "The bucket's tags; other tags on the bucket are drift.") with { Default = Value.EmptyMap },
            AttributeSchema.Input("lifecycle_expiry_days", BatonType.Int, "When set, objects expire this many days after creation (one lifecycle rule, id baton-expiry)."),
            AttributeSchema.Input("force_destroy", BatonType.Bool, "Whether deleting the bucket deletes its objects and versions first; without it a non-empty bucket is not deleted.") with { Default = Value.False },
            AttributeSchema.Output("id", BatonType.String, "The bucket's name."),
            AttributeSchema.Output("arn", BatonType.String, "arn:aws:s3:::NAME (meaningful on AWS; informative elsewhere)."),
            AttributeSchema.Output("url", BatonType.String, "The bucket's URL on the endpoint."),
            AttributeSchema.Output("endpoint", BatonType.String, "The endpoint the bucket lives on."),
        ],
    };

    public static ResourceTypeSchema Object { get; } = new()
    {
        Type = ObjectType,
        Description = "An object in a bucket, from a string or from a file streamed from disk; its id is BUCKET/KEY.",
        Attributes =
        [
            AttributeSchema.Input("bucket", BatonType.String, "The bucket.") with { Required = true, ForceNew = true },
            AttributeSchema.Input("key", BatonType.String, "The object's key (1-1024 bytes of UTF-8).") with { Required = true, ForceNew = true },
            AttributeSchema.Input("content", BatonType.String, "The object's content (UTF-8); exactly one of content and source."),
            AttributeSchema.Input("source", BatonType.String, "A file to upload, relative to the stack directory and inside the provider's file_root; exactly one of content and source."),
            AttributeSchema.Input("content_type", BatonType.String, "The object's Content-Type.") with { Default = Value.String(DefaultContentType) },
            AttributeSchema.Output("id", BatonType.String, "BUCKET/KEY."),
            AttributeSchema.Output("content_sha256", BatonType.String, "The SHA-256 of what was uploaded (hex), kept in the object's metadata; null when the object was changed outside Baton."),
            AttributeSchema.Output("etag", BatonType.String, "The object's ETag, without quotes."),
            AttributeSchema.Output("size", BatonType.Int, "The object's size in bytes."),
            AttributeSchema.Output("url", BatonType.String, "The object's URL on the endpoint."),
        ],
    };

    private static AttributeSchema BucketInput { get; } = new() { Name = "bucket", Type = BatonType.String, Required = true, Description = "The bucket." };

    private static AttributeSchema KeyInput { get; } = new() { Name = "key", Type = BatonType.String, Required = true, Description = "The object's key." };

    public static ActionSchema Put { get; } = new()
    {
        Name = PutAction,
        Description = "Uploads a file (streamed from disk; multipart for large files) to BUCKET/KEY.",
        Inputs =
        [
            BucketInput,
            KeyInput,
            new AttributeSchema { Name = "source", Type = BatonType.String, Required = true, Description = "The file to upload, inside the provider's file_root." },
            AttributeSchema.Input("content_type", BatonType.String, "The object's Content-Type.") with { Default = Value.String(DefaultContentType) },
        ],
        Outputs =
        [
            AttributeSchema.Output("key", BatonType.String, "The object's key."),
            AttributeSchema.Output("etag", BatonType.String, "The object's ETag, without quotes."),
            AttributeSchema.Output("bytes", BatonType.Int, "The bytes uploaded."),
        ],
    };

    public static ActionSchema Get { get; } = new()
    {
        Name = GetAction,
        Description = "Downloads BUCKET/KEY to a file: streamed to a temporary file beside it, then renamed over it.",
        Inputs =
        [
            BucketInput,
            KeyInput,
            new AttributeSchema { Name = "destination", Type = BatonType.String, Required = true, Description = "The file to write, inside the provider's file_root; its directory must exist." },
        ],
        Outputs =
        [
            AttributeSchema.Output("path", BatonType.String, "The file written (absolute)."),
            AttributeSchema.Output("etag", BatonType.String, "The object's ETag, without quotes."),
            AttributeSchema.Output("bytes", BatonType.Int, "The bytes written."),
        ],
    };

    public static ActionSchema List { get; } = new()
    {
        Name = ListAction,
        Description = "Lists the objects under a prefix, in key order, at most max_keys of them.",
        Inputs =
        [
            BucketInput,
            AttributeSchema.Input("prefix", BatonType.String, "Only keys starting with this.") with { Default = Value.String(string.Empty) },
            AttributeSchema.Input("max_keys", BatonType.Int, "The most keys returned (1-10000).") with { Default = Value.Number(DefaultListMaxKeys) },
        ],
        Outputs =
        [
            AttributeSchema.Output("objects", BatonType.ListOf(BatonType.AnyMap), "One map per object: key, size, last_modified (ISO 8601 UTC), etag."),
            AttributeSchema.Output("keys", BatonType.ListOf(BatonType.String), "The keys."),
            AttributeSchema.Output("count", BatonType.Int, "How many objects are listed."),
            AttributeSchema.Output("truncated", BatonType.Bool, "Whether more objects match than were listed."),
        ],
    };

    public static ActionSchema Prune { get; } = new()
    {
        Name = PruneAction,
        Description = "Keeps the newest keep objects under a prefix (by last-modified time, then key) and deletes the rest.",
        Inputs =
        [
            BucketInput,
            AttributeSchema.Input("prefix", BatonType.String, "Only objects whose keys start with this are considered.") with { Default = Value.String(string.Empty) },
            new AttributeSchema { Name = "keep", Type = BatonType.Int, Required = true, Description = "How many of the newest objects to keep (0 or more)." },
        ],
        Outputs =
        [
            AttributeSchema.Output("deleted", BatonType.ListOf(BatonType.String), "The keys deleted, oldest first."),
            AttributeSchema.Output("kept", BatonType.ListOf(BatonType.String), "The keys kept, newest first."),
        ],
    };

    public static ActionSchema Copy { get; } = new()
    {
        Name = CopyAction,
        Description = "Copies BUCKET/KEY to another bucket, on this endpoint or on another S3 endpoint given by the to_* inputs; the object is streamed through a temporary file.",
        Inputs =
        [
            BucketInput,
            KeyInput,
            new AttributeSchema { Name = "to_bucket", Type = BatonType.String, Required = true, Description = "The destination bucket." },
            AttributeSchema.Input("to_key", BatonType.String, "The destination key; the source key when left out."),
            AttributeSchema.Input("to_endpoint", BatonType.String, "The destination's endpoint URL; this provider's endpoint when left out."),
            AttributeSchema.Input("to_region", BatonType.String, "The destination's region; this provider's region when left out."),
            AttributeSchema.Input("to_access_key", BatonType.String, "The destination's access key; this provider's when left out."),
            AttributeSchema.Input("to_secret_key", BatonType.String, "The destination's secret key; this provider's when left out.") with { Sensitive = true },
            AttributeSchema.Input("to_force_path_style", BatonType.Bool, "Path-style addressing at the destination; true for a non-AWS endpoint when left out."),
        ],
        Outputs =
        [
            AttributeSchema.Output("to_bucket", BatonType.String, "The destination bucket."),
            AttributeSchema.Output("to_key", BatonType.String, "The destination key."),
            AttributeSchema.Output("etag", BatonType.String, "The copy's ETag, without quotes."),
            AttributeSchema.Output("bytes", BatonType.Int, "The bytes copied."),
        ],
    };

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "s3",
        Description = "Buckets and objects on any S3-compatible endpoint (AWSSDK.S3), and actions that move files in and out.",
        Configuration =
        [
            ConfinedRoots.OutsideStackSchema,
            AttributeSchema.Input("endpoint", BatonType.String, "The endpoint URL (http:// or https://), such as a MinIO or s3rver; AWS's endpoint for the region when left out."),
            AttributeSchema.Input("region", BatonType.String, "The region requests are signed for.") with { Default = Value.String(DefaultRegion) },
            AttributeSchema.Input("access_key", BatonType.String, "The access key id; with secret_key. The SDK's default credentials (environment, profile) when both are left out."),
            AttributeSchema.Input("secret_key", BatonType.String, "The secret access key.") with { Sensitive = true },
            AttributeSchema.Input("force_path_style", BatonType.Bool, "Path-style URLs (ENDPOINT/BUCKET/KEY) instead of virtual hosts; true when endpoint is given, false for AWS, when left out."),
            AttributeSchema.Input("file_root", BatonType.String, "The directory (relative to the stack directory) that every local file an object or action reads or writes must resolve inside.") with { Default = Value.String(".") },
        ],
        ResourceTypes = [Bucket, Object],
        Actions = [Put, Get, List, Prune, Copy],
    };
}
