using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace Baton.Providers.S3;

/// <summary>
/// Turns a failed S3 call into a provider error. Messages name the endpoint, the bucket and S3's error code, never
/// credentials. An endpoint that cannot be reached and 5xx answers are transient, SlowDown and 503 are throttled,
/// anything else S3 answers is permanent.
/// </summary>
internal static class S3Errors
{
    public static bool IsNotImplemented(AmazonS3Exception exception) =>
        exception.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.MethodNotAllowed || exception.ErrorCode is "NotImplemented" or "MethodNotAllowed";

    public static bool IsNotFound(AmazonS3Exception exception) => exception.StatusCode == HttpStatusCode.NotFound;

    public static bool IsNoSuchBucket(AmazonS3Exception exception) => exception.ErrorCode == "NoSuchBucket";

    /// <summary>
    /// The error for <paramref name="exception"/>, or null when it is a bug or the caller's cancellation, which
    /// propagate. A local file that cannot be read or written is permanent.
    /// </summary>
    public static ProviderError? Classify(Exception exception, S3Endpoint endpoint, string subject, string? bucket, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        var where = $"S3 endpoint {endpoint.Display}";
        if (exception is AmazonS3Exception s3 && (s3.StatusCode != 0 || s3.ErrorCode is not null))
        {
            var code = s3.ErrorCode ?? ((int)s3.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var detail = string.IsNullOrEmpty(s3.Message) ? code : $"{code}: {s3.Message}";
            return code switch
            {
                "NoSuchBucket" => ProviderError.Permanent($"{subject}: the bucket \"{bucket}\" does not exist at {where}"),
                "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AllAccessDisabled" or "InvalidToken" or "ExpiredToken" =>
                    ProviderError.Permanent($"{subject}: {where} refused access{(bucket is null ? string.Empty : $" to the bucket \"{bucket}\"")} ({code}); check the provider's access_key, secret_key and region"),
                "SlowDown" or "RequestLimitExceeded" or "TooManyRequests" => ProviderError.Throttled($"{subject}: {where} asked to slow down ({code})"),
                _ when s3.StatusCode == HttpStatusCode.ServiceUnavailable => ProviderError.Throttled($"{subject}: {where} is unavailable ({detail})"),
                _ when (int)s3.StatusCode >= 500 && !IsNotImplemented(s3) => ProviderError.Transient($"{subject}: {where} failed ({detail})"),
                _ => ProviderError.Permanent($"{subject}: {where}: {detail}"),
            };
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException socket:
                    return ProviderError.Transient($"{subject}: cannot reach {where}: {socket.Message}");
                case HttpRequestException http:
                    return ProviderError.Transient($"{subject}: cannot reach {where}: {http.Message}");
                case TimeoutException or TaskCanceledException:
                    return ProviderError.Transient($"{subject}: {where} did not answer in time");
                case IOException io when inner != exception:
                    // An I/O failure under the SDK or HTTP stack is the connection's.
                    return ProviderError.Transient($"{subject}: the connection to {where} failed: {io.Message}");
                default:
                    break;
            }
        }

        return exception switch
        {
            AmazonServiceException => ProviderError.Transient($"{subject}: {where}: {exception.Message}"),

            // The client failed before talking to the endpoint: no credentials found, a bad configuration.
            AmazonClientException => ProviderError.Permanent($"{subject}: {where}: {exception.Message}"),
            IOException or UnauthorizedAccessException => ProviderError.Permanent($"{subject}: a local file: {exception.Message}"),
            _ => null,
        };
    }
}
