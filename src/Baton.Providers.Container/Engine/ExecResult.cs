namespace Baton.Providers.Container.Engine;

/// <summary>A command that ran to its end inside a container.</summary>
internal sealed record ExecResult
{
    public required int ExitCode { get; init; }

    public required string Stdout { get; init; }

    public required string Stderr { get; init; }

    /// <summary>True when the command wrote more than the byte limit; the rest was read and dropped.</summary>
    public required bool StdoutTruncated { get; init; }

    public required bool StderrTruncated { get; init; }
}
