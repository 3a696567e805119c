using Microsoft.Extensions.Logging;

namespace Baton.Server;

/// <summary>The control plane's structured log messages, one place for their ids and levels.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "serving {Stacks} at {Address}")]
    public static partial void Serving(ILogger logger, string stacks, Uri address);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{Stack} {Source} {Kind} {Address} {Run} {Step}: {Message}")]
    public static partial void Event(ILogger logger, string stack, string source, string kind, string? address, string? run, string? step, string? message);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "{Stack} {Source} {Kind} {Address} {Run} {Step}: {Message}")]
    public static partial void Failure(ILogger logger, string stack, string source, string kind, string? address, string? run, string? step, string? message);
}
