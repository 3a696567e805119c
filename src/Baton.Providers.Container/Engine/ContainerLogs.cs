namespace Baton.Providers.Container.Engine;

/// <summary>The end of a container's log, stdout and stderr apart (both in stdout for a TTY container).</summary>
internal sealed record ContainerLogs
{
    public required string Stdout { get; init; }

    public required string Stderr { get; init; }

    /// <summary>True when the engine sent more than the byte limit and the start was dropped.</summary>
    public required bool StdoutTruncated { get; init; }

    public required bool StderrTruncated { get; init; }
}
