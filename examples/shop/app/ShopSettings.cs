using System.Globalization;

namespace Shop;

/// <summary>The shop's configuration, read once from the environment.</summary>
internal sealed record ShopSettings
{
    /// <summary>The largest upload accepted.</summary>
    public const long MaxUploadBytes = 16 * 1024 * 1024;

    public required int Port { get; init; }

    public required string Instance { get; init; }

    public required string Version { get; init; }

    public string? Database { get; init; }

    public string? S3Endpoint { get; init; }

    public string S3Region { get; init; } = "us-east-1";

    public string? S3Bucket { get; init; }

    public string? S3AccessKey { get; init; }

    public string? S3SecretKey { get; init; }

    public static ShopSettings FromEnvironment(Func<string, string?> read)
    {
        var portText = read("PORT");
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"PORT must be a port number, not \"{portText}\"");
        }

        return new ShopSettings
        {
            Port = port,
            Instance = NonEmpty(read("SHOP_INSTANCE")) ?? "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            Version = NonEmpty(read("SHOP_VERSION")) ?? "1",
            Database = NonEmpty(read("SHOP_DATABASE")),
            S3Endpoint = NonEmpty(read("SHOP_S3_ENDPOINT")),
            S3Region = NonEmpty(read("SHOP_S3_REGION")) ?? "us-east-1",
            S3Bucket = NonEmpty(read("SHOP_S3_BUCKET")),
            S3AccessKey = NonEmpty(read("SHOP_S3_ACCESS_KEY")),
            S3SecretKey = NonEmpty(read("SHOP_S3_SECRET_KEY")),
        };
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
