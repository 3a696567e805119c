using System.Text.Json;

namespace Baton.Providers.Container.Engine;

/// <summary>
/// A call to the engine failed. <see cref="Exception.Message"/> is the engine's own <c>message</c> (or, when the
/// engine could not be reached, "cannot reach the container engine at ENDPOINT: REASON"); <see cref="StatusCode"/>
/// is the HTTP status, null when there was no answer or the error arrived inside a streamed 200 answer;
/// <see cref="IsTransient"/> says whether the same call may succeed later unchanged.
/// </summary>
internal sealed class DockerEngineException : Exception
{
    /// <summary>
    /// Podman answers these with 500 where Docker answers 409 (and the API documents 409): a name already taken by
    /// a container or network, a container in the wrong state for the call. They are conflicts, so they are reported
    /// as 409 whatever the engine.
    /// </summary>
    private static readonly string[] ConflictMarkers = ["name is already in use", "already exists", "container state improper"];

    /// <summary>
    /// Causes in a 5xx answer that no retry cures: the request itself is wrong for this engine or this object. The
    /// rest of 5xx (a locked database, an I/O error, a timeout inside the engine) is transient.
    /// </summary>
    private static readonly string[] PermanentMarkers =
    [
        "invalid", "no such", "not known", "not found", "no command or entrypoint", "not supported", "unsupported",
        "permission denied", "operation not permitted", "address already in use", "executable file", "is in use",
        "conflict", "bad parameter", "cannot be",
    ];

    public DockerEngineException()
    {
    }

    public DockerEngineException(string message)
        : base(message)
    {
    }

    public DockerEngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DockerEngineException(string message, int? statusCode, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        IsTransient = isTransient;
    }

    /// <summary>The HTTP status of the engine's answer; null when it did not answer or failed inside a 200 stream.</summary>
    public int? StatusCode { get; }

    /// <summary>True when the same call may succeed later: the engine was unreachable, timed out or failed inside.</summary>
    public bool IsTransient { get; }

    /// <summary>The error for an engine that cannot be reached (no socket, refused, timed out): transient.</summary>
    public static DockerEngineException Unreachable(DockerEndpoint endpoint, string reason, Exception? innerException = null) =>
        new($"cannot reach the container engine at {endpoint}: {reason}", null, isTransient: true, innerException);

    /// <summary>
    /// The error for an answer with status <paramref name="statusCode"/> and body <paramref name="body"/>: the
    /// message is the body's <c>message</c> (the body itself when it is not the engine's JSON error). 4xx is
    /// permanent; 5xx is transient unless its message shows a permanent cause; conflicts are 409 (see
    /// <see cref="ConflictMarkers"/>).
    /// </summary>
    public static DockerEngineException FromResponse(int statusCode, string body)
    {
        var message = MessageOf(body);
        if (string.IsNullOrWhiteSpace(message))
        {
            message = $"the engine answered {statusCode} without a message";
        }

        if (statusCode >= 500 && ConflictMarkers.Any(marker => message.Contains(marker, StringComparison.OrdinalIgnoreCase)))
        {
            statusCode = 409;
        }

        var transient = statusCode >= 500 && !PermanentMarkers.Any(marker => message.Contains(marker, StringComparison.OrdinalIgnoreCase));
        return new DockerEngineException(message, statusCode, transient);
    }

    /// <summary>The error reported inside a 200 stream (pull, import, build): permanent.</summary>
    public static DockerEngineException InStream(string message) => new(message, null, isTransient: false);

    private static string MessageOf(string body)
    {
        var trimmed = body.Trim();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                if (document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString()!.Trim();
                }
            }
            catch (JsonException)
            {
                // Not the engine's JSON error; the body is the message.
            }
        }

        return trimmed.Length > 2000 ? trimmed[..2000] + "…" : trimmed;
    }
}
